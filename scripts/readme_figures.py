"""Copy freshly measured figures into README.md, between marker comments.

    python scripts/readme_figures.py --eval build/eval-test [--bench benchmarks/RESULTS.md]

The evaluation block takes, from the report folder of `newsqa eval --split test --report DIR`, the
answer-or-abstain tables of selective.md (every test set, overall and by kind) and each set's
"Retrieval" and "Answers" tables of its summary.md; the benchmark block takes RESULTS.md's summary
table. `make figures` runs the evaluation and this script in one go.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
KEEP = ("## Retrieval", "## Answers")


def sections(markdown: str) -> dict[str, str]:
    """Split a Markdown text into its `## ` sections (heading → body without the heading)."""
    parts = re.split(r"^(## .*)$", markdown, flags=re.M)
    return {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def eval_block(report: Path) -> str:
    """The README's evaluation block from a report folder (see the module's docstring)."""
    selective = report / "selective.md"
    if not selective.is_file():
        raise SystemExit(f"error: {selective} does not exist; run `newsqa eval --split test --report {report}`.")
    out = ["#### Answer or abstain (test sets)", ""]
    for name, body in sections(selective.read_text(encoding="utf-8")).items():
        out += [f"**{name[3:]}**", "", body.split("![")[0].strip(), ""]
    for summary in sorted(report.glob("*/summary.md")):
        found = sections(summary.read_text(encoding="utf-8"))
        missing = [name for name in KEEP if name not in found]
        if missing:
            raise SystemExit(f"error: {missing[0]!r} is not in {summary}; run `newsqa eval --report DIR` again.")
        for name in KEEP:
            body = found[name].split("\nFailed answers")[0].strip()
            out += [f"#### {summary.parent.name}: {name[3:].lower()}", "", body, ""]
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
    parser.add_argument("--eval", type=Path, help="the folder of `newsqa eval --split test --report DIR`")
    parser.add_argument("--bench", type=Path, help="RESULTS.md of benchmarks/run_all.py")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    if args.eval:
        text = replace_block(text, "eval", eval_block(args.eval))
    if args.bench:
        bench = args.bench.read_text(encoding="utf-8").strip()
        bench = re.sub(r"^# .*\n+", "", bench)  # the file's own title
        bench = bench.split("\n## ")[0].strip()  # the summary table; details stay in RESULTS.md
        text = replace_block(text, "bench", bench)
    README.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
