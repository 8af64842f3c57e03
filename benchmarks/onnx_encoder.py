"""A prototype `Encoder` that runs a sentence-transformers BERT folder through ONNX Runtime directly.

sentence-transformers' own ONNX backend needs optimum, whose install downgrades libraries gradio
depends on; this path needs only `onnxruntime` (already pulled in by the stack) and `onnx` (for
quantize_dynamic). The model is exported once with `torch.onnx.export`, its graph fused
by ONNX Runtime's BERT optimizer, its MatMul and Attention weights quantized to int8 with
`onnxruntime.quantization.quantize_dynamic`, and the files cached beside the model folder. Pooling (attention-masked mean) and L2 normalization are done here in
numpy, exactly as the folder's Pooling and Normalize modules would.

This lives in benchmarks/ as a measured proposal; the product's encoders are in index/embedding.py.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

MAX_TOKENS = 512


def export_onnx(model_dir: Path, target: Path) -> Path:
    """Export the folder's transformer (input_ids, attention_mask → last_hidden_state)."""
    import torch
    from transformers import AutoModel

    class LastHiddenState(torch.nn.Module):  # a plain positional signature for the exporter
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    # eager attention exports as plain MatMul/Softmax, which ONNX Runtime's BERT optimizer fuses
    # into its Attention op (measured 1.2x faster than the SDPA export, same vectors)
    model = LastHiddenState(AutoModel.from_pretrained(str(model_dir), local_files_only=True,
                                                      attn_implementation="eager").eval())
    dummy = torch.ones((2, 16), dtype=torch.long)
    partial = target.with_suffix(".partial")
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model, (dummy, dummy), str(partial), input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"], opset_version=17, dynamo=False,
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in ("input_ids", "attention_mask", "last_hidden_state")},
        )
    os.replace(partial, target)
    return target


def fuse(source: Path, target: Path, *, config: dict) -> Path:
    """ONNX Runtime's BERT graph fusions: Attention, SkipLayerNormalization, BiasGelu, …"""
    from onnxruntime.transformers import optimizer

    fused = optimizer.optimize_model(str(source), model_type="bert", num_heads=config["num_attention_heads"],
                                     hidden_size=config["hidden_size"])
    partial = target.with_suffix(".partial")
    fused.save_model_to_file(str(partial))
    os.replace(partial, target)
    return target


def quantize_int8(source: Path, target: Path) -> Path:
    """Dynamic int8 quantization of the MatMul and Attention weights (activations on the fly)."""
    import logging

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    partial = target.with_suffix(".partial")
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    quantize_dynamic(str(source), str(partial), weight_type=QuantType.QInt8, per_channel=True,
                     op_types_to_quantize=["MatMul", "Attention"],
                     # the fused ops carry no type information the quantizer can infer
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    root.setLevel(level)  # the quantizer configures the root logger; later DEBUG lines are noise
    root.handlers[:] = handlers
    os.replace(partial, target)
    return target


def onnx_model(model_dir: Path, *, int8: bool) -> Path:
    """The cached ONNX file for `model_dir`, exported (and quantized) on first use."""
    model_dir = Path(model_dir)
    folder = model_dir.parent / f"{model_dir.name}-onnx"
    folder.mkdir(exist_ok=True)
    fp32 = folder / "model-fused.onnx"
    if not fp32.exists():
        exported = export_onnx(model_dir, folder / "model.onnx")
        fuse(exported, fp32, config=json.loads((model_dir / "config.json").read_text()))
    if not int8:
        return fp32
    quantized = folder / "model-fused-int8.onnx"
    if not quantized.exists():
        quantize_int8(fp32, quantized)
    return quantized


class OnnxEncoder:
    """Encoder protocol over an ONNX Runtime session; prompts as the sentence-transformers folder saved them."""

    def __init__(self, model_dir: Path, *, int8: bool = True, batch_size: int = 32, threads: int | None = None,
                 name: str | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_dir = Path(model_dir)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(str(onnx_model(model_dir, int8=int8)), options,
                                             providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        prompts = json.loads((model_dir / "config_sentence_transformers.json").read_text()).get("prompts", {})
        self.query_prompt = prompts.get("query", "")
        self.passage_prompt = prompts.get("passage", prompts.get("document", ""))
        self.batch_size = batch_size
        self.dimension = int(json.loads((model_dir / "config.json").read_text())["hidden_size"])
        self.name = name or model_dir.name

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.query_prompt + t for t in texts])

    def encode_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        return self._encode([self.passage_prompt + t for t in texts])

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # longest first, batched by length: little padding, as sentence-transformers does
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            out[rows] = self._batch([texts[i] for i in rows])
        return out

    def _batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.ones((len(texts), width), dtype=np.int64)  # 1 is XLM-R's <pad>
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        summed = np.einsum("btd,bt->bd", hidden, mask.astype(np.float32))
        pooled = summed / mask.sum(axis=1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
