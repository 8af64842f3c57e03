"""Warm answer time per stage of the answerer: analyze, retrieve, score, decide, compose.

    python benchmarks/answer_stages.py [--index-dir DIR] [--questions 20] [--repeat 3]

Over an index of the bundled pages (built with the default model when `--index-dir` is not
given), the first dev questions are answered `--repeat` times each after a warm-up, and each
stage `qa.answer` runs is timed on its own: wall and CPU (this thread's) milliseconds. `score`
includes the model's encoding of sentence tokens (qa/features), shown beside it as
`token_encoding`. "after retrieval" is what `Answer.timings["compose_ms"]` reports (score +
decide + compose, or the byline answer). Medians over questions of each question's median.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import save_results, show

STAGES = ("analyze", "retrieve", "score", "token_encoding", "decide", "compose", "after_retrieval")


class StageClock:
    def __init__(self):
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def wrap(self, owner, name: str, stage: str):
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.wall[stage] = self.wall.get(stage, 0.0) + time.perf_counter() - wall
                self.cpu[stage] = self.cpu.get(stage, 0.0) + time.thread_time() - cpu

        setattr(owner, name, timed)

    def reset(self):
        self.wall, self.cpu = {}, {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, default=None)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import importlib

    module = importlib.import_module("qa.answer")
    from eval.corpora import builtin_set
    from index.backends.local.retrieval import SearchEncoder
    from index.retrieval import open_archive

    index_dir = args.index_dir
    if index_dir is None:
        from index.embedding import load_encoder
        from index.paths import BUNDLED_CORPUS
        from index.pipeline import build_index

        index_dir = Path(tempfile.mkdtemp(prefix="newsqa-answer-stages-")) / "index"
        build_index([BUNDLED_CORPUS], index_dir=index_dir, encoder=load_encoder(), progress=False)
    archive = open_archive(index_dir)
    questions = [q.question for q in builtin_set("pages-dev").questions()[: args.questions]]
    clock = StageClock()
    # question analysis runs inside qa.followup.analyzed (follow-ups resolved first)
    for name, stage in (("analyzed", "analyze"), ("retrieve", "retrieve"), ("score", "score"), ("decide", "decide"),
                        ("compose", "compose")):
        clock.wrap(module, name, stage)
    clock.wrap(SearchEncoder, "encode_tokens", "token_encoding")
    module.answer(questions[0], archive=archive)  # warm-up: model, dictionaries, tagger
    per_question = {s: {"wall": [], "cpu": []} for s in STAGES}
    for question in questions:
        runs = []
        for _ in range(args.repeat):
            clock.reset()
            result = module.answer(question, archive=archive)
            runs.append((dict(clock.wall), dict(clock.cpu), result.timings["compose_ms"]))
        for stage in STAGES:
            if stage == "after_retrieval":
                per_question[stage]["wall"].append(statistics.median(r[2] for r in runs))
                per_question[stage]["cpu"].append(statistics.median(
                    sum(v for k, v in r[1].items() if k in ("score", "decide", "compose")) * 1000 for r in runs))
                continue
            per_question[stage]["wall"].append(statistics.median(r[0].get(stage, 0.0) * 1000 for r in runs))
            per_question[stage]["cpu"].append(statistics.median(r[1].get(stage, 0.0) * 1000 for r in runs))
    figures = {"questions": len(questions), "repeat": args.repeat,
               "stages_ms": {s: {"wall_median": round(statistics.median(v["wall"]), 1),
                                 "cpu_median": round(statistics.median(v["cpu"]), 1)}
                             for s, v in per_question.items()}}
    print(f"Warm answer time per stage, median over {len(questions)} dev questions ({args.repeat} runs each), ms")
    for stage, cell in figures["stages_ms"].items():
        show(stage, f"wall {cell['wall_median']:.1f}  cpu {cell['cpu_median']:.1f}")
    save_results("answer_stages", figures)
    show("saved", "results/answer_stages.json")


if __name__ == "__main__":
    sys.exit(main())
