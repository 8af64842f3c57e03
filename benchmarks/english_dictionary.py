"""English questions with and without the glossary: what the CC-CEDICT fallback recovers.

The glossary (qa/glossary.py) was written with the built-in questions in view, so it flatters
English answering on them. This measures the general mechanism instead: the `english` questions of
the built-in sets, answered (hybrid) with the glossary, with the glossary switched off (so the
dictionary handles every word), and with both off. Needs a built index (`newsqa index`).

    python benchmarks/english_dictionary.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = [ROOT / "eval" / "data" / "dev.jsonl", ROOT / "eval" / "data" / "holdout.jsonl"]
CONFIGS = {
    "glossary (as shipped)": "",
    "dictionary only": "glossary-off",
    "neither": "glossary-off dictionary-off",
}
_CHILD = """
import re, sys
switches = sys.argv[2].split()
if "glossary-off" in switches:
    import qa.glossary
    qa.glossary.PATTERN = re.compile(r"(?!x)x")  # no glossary phrase ever matches
if "dictionary-off" in switches:
    import qa.question
    qa.question._alternatives = lambda text, **_: ()
from ui.cli import main
sys.argv = ["newsqa", "eval", sys.argv[1], "--json", "--retriever", "hybrid"]
main()
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        dataset = Path(tmp) / "english.jsonl"
        lines = [line for path in SETS for line in path.read_text("utf-8").splitlines() if '"english"' in line]
        dataset.write_text("\n".join(lines) + "\n", "utf-8")
        print(f"{len(lines)} English questions from {', '.join(p.name for p in SETS)}\n")
        print(f"{'configuration':<24} {'passed':>8} {'found right':>12}")
        for name, switches in CONFIGS.items():
            out = subprocess.run(
                [sys.executable, "-c", _CHILD, str(dataset), switches],
                cwd=ROOT, capture_output=True, text=True, check=True,
            ).stdout
            answers = json.loads(out)["runs"]["hybrid"]["answers"]
            print(f"{name:<24} {answers['passed'] * len(lines):>6.0f}/{len(lines)} {answers['found_correct']:>12.2f}")


if __name__ == "__main__":
    main()
