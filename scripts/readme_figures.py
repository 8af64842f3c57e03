"""Copy freshly measured figures into README.md, between marker comments.

    python scripts/readme_figures.py --eval build/eval/summary.md [--bench benchmarks/RESULTS.md]

The evaluation block takes the "Retrieval" and "Answers" tables and the hybrid per-kind table of
`newsqa eval --compare --report DIR`'s summary.md; the benchmark block takes RESULTS.md's summary table.
`make figures` runs the evaluation and this script in one go.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
KEEP = ("## Retrieval", "## Answers", "## hybrid: by question kind")


def sections(markdown: str) -> dict[str, str]:
    """Split a Markdown text into its `## ` sections (heading → body without the heading)."""
    parts = re.split(r"^(## .*)$", markdown, flags=re.M)
    return {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def eval_block(summary: str) -> str:
    found = sections(summary)
    missing = [name for name in KEEP if name not in found]
    if missing:
        raise SystemExit(f"error: {missing[0]!r} is not in the evaluation summary; run `newsqa eval --compare --report DIR`.")
    out = []
    for name in KEEP:
        body = found[name].split("\nFailed answers")[0].strip()
        out += [f"#### {name[3:].capitalize()}", "", body, ""]
    return "\n".join(out).strip()


def replace_block(text: str, name: str, body: str) -> str:
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    if begin not in text or end not in text:
        raise SystemExit(f"error: README.md has no {begin} … {end} block.")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n{body}\n{end}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, help="summary.md of an evaluation report")
    parser.add_argument("--bench", type=Path, help="RESULTS.md of benchmarks/run_all.py")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    if args.eval:
        text = replace_block(text, "eval", eval_block(args.eval.read_text(encoding="utf-8")))
    if args.bench:
        bench = args.bench.read_text(encoding="utf-8").strip()
        bench = re.sub(r"^# .*\n+", "", bench)  # the file's own title
        bench = bench.split("\n## ")[0].strip()  # the summary table; details stay in RESULTS.md
        text = replace_block(text, "bench", bench)
    README.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
