"""Where answering time goes in a warm process: retrieval vs evidence selection and composition.

    python -m qa.timing [--index-dir DIR] [--repeat N] [QUESTION ...]

Prints the median milliseconds of each part per question (the first, cold answer is not counted).
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from qa.answer import answer

QUESTIONS = (
    "开发区有多少个重点项目开工了?",
    "2019年前11个月开发区税务局共组织各项收入多少?",
    "开发区党委书记是谁?",
    "示范区第三轮全员核酸检测是哪天进行的?",
    "How many key projects has the development zone started?",
    "开发区有多少家医院?",
)


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
    parser.add_argument("questions", nargs="*", default=list(QUESTIONS))
    parser.add_argument("--index-dir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    from index.retrieval import open_archive

    rows = measure(args.questions, archive=open_archive(args.index_dir), repeat=args.repeat)
    for question, retrieval, compose in rows:
        print(f"{retrieval:8.1f} ms retrieval {compose:8.1f} ms compose  {question}")
    print(f"{statistics.median(r for _, r, _ in rows):8.1f} ms retrieval {statistics.median(c for _, _, c in rows):8.1f}"
          " ms compose  (median over questions)")


if __name__ == "__main__":
    main()
