"""Measurement: question sets, retrieval and answer metrics, reports.

- `eval.dataset`: question sets (JSONL), checked line by line; the built-in development set.
- `eval.metrics`: Recall@k, MRR@k, nDCG@k over plain qrels/ranking dicts (agrees with ranx).
- `eval.judge`: which chunks and articles are relevant, and the checks an answer must pass.
- `eval.runner`: run a question set in one retrieval mode and score it.
- `eval.formats`: BEIR folders and TREC run/qrels files.
- `eval.report`: tables, JSON, and a report folder with a chart.
- `eval.distractors`, `eval.suite`: distractor articles and the session behind `newsqa eval`.
"""
