"""Where answering time goes in a warm process: retrieval vs evidence selection and composition.

    python -m qa.timing [--index-dir DIR] [--repeat N] [QUESTION ...]

Prints the median milliseconds of each part per question (the first, cold answer is not counted).
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from qa.answer import answer



def measure(questions, *, archive, repeat: int = 3) -> list[tuple[str, float, float]]:
    answer(questions[0], archive=archive)  # warm up: model, jieba dictionaries
    rows = []
    for question in questions:
        runs = [answer(question, archive=archive).timings for _ in range(repeat)]
        rows.append((question, statistics.median(r["retrieval_ms"] for r in runs),
                     statistics.median(r["compose_ms"] for r in runs)))
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="*", help="questions to time (default: the first 20 of the pages-dev set)")
    parser.add_argument("--index-dir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    from index.retrieval import open_archive

    questions = args.questions or _dev_questions(20)
    rows = measure(questions, archive=open_archive(args.index_dir), repeat=args.repeat)
    for question, retrieval, compose in rows:
        print(f"{retrieval:8.1f} ms retrieval {compose:8.1f} ms compose  {question}")
    print(f"{statistics.median(r for _, r, _ in rows):8.1f} ms retrieval {statistics.median(c for _, _, c in rows):8.1f}"
          " ms compose  (median over questions)")


def _dev_questions(n: int) -> list[str]:
    from eval.corpora import builtin_set

    return [q.question for q in builtin_set("pages-dev").questions()[:n]]


if __name__ == "__main__":
    main()
