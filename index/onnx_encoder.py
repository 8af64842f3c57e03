"""multilingual-e5-small in int8 through ONNX Runtime: the default encoder on a CPU.

Built once from the float32 sentence-transformers folder and cached beside it
(`<model cache>/multilingual-e5-small-int8/`):

1. the transformer is exported with `torch.onnx.export` (eager attention, so it exports as plain
   MatMul/Softmax that the next step can fuse);
2. ONNX Runtime's BERT optimizer fuses it (Attention, SkipLayerNormalization, BiasGelu);
3. `quantize_dynamic` stores the projection weights as int8 with per-channel scales; activations
   are quantized on the fly, one scale per tensor. That scale is what loses accuracy: the inputs of
   some feed-forward down-projections, fresh out of GELU, carry a few values hundreds of times
   their RMS, and one scale stretched over them leaves the ordinary values a handful of levels.
   So the fused float32 model is first run on a few calibration passages (index/calibration.txt),
   each down-projection's input is scored by its range ÷ RMS, and the FLOAT_DOWN_PROJECTIONS most
   outlying ones stay float32.

   For multilingual-e5-small the most outlying is layer 4's (range ÷ RMS 217 on the calibration
   passages; next layer 0's 176, then 146, …, the median 75). Measured on 200 news passages that
   are not in the evaluation sets, quantizing only that layer's down-projection costs 0.0012 of
   mean cosine to float32, any other layer's at most 0.0004: keeping one float32 buys most of the
   accuracy back for 1/48 of the projections.

Activations share one int8 scale per batch, so a text's vector depends slightly on its batch-mates
(cosine ≈ 0.999 between a text encoded alone and in a batch): no more than int8 differs from
float32, and the same batch always gives the same vectors.

Mean pooling over the attention mask and L2 normalization are done here in numpy, as the
folder's Pooling and Normalize modules do, with the prompts the folder saved.

Measured on the bundled corpus and question sets (2 CPUs; benchmarks/encoder_speed.py has the
current figures): ×2.4 the float32 chunks/s, mean cosine to float32 0.998, hybrid Recall@5 equal
to float32's on the development set. Alternatives measured: every projection in int8, ×2.5 but
−1.7 points of chunk Recall@5; all twelve down-projections float32, cosine 0.9993 but ×1.8–1.9;
the three most outlying float32, ×2.3. Serving with it needs neither torch nor
sentence-transformers, which start-up would otherwise pay for.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.errors import ModelUnavailableError
from index.normalize import well_formed
from index.paths import usable_cpus

#: Bumped when the exported model changes, so older caches are rebuilt rather than trusted.
BUILD_VERSION = 2
#: How many feed-forward down-projections, the most outlying first, stay float32.
FLOAT_DOWN_PROJECTIONS = 1
CALIBRATION = Path(__file__).with_name("calibration.txt")
MODEL_FILE = "model.onnx"
SETTINGS_FILE = "encoder.json"
TOKENIZER_FILE = "tokenizer.json"


class OnnxEncoder:
    """The `Encoder` interface over an ONNX Runtime session built by `build_onnx_int8`.

    `threads` defaults to every CPU this process may use, so a bigger machine indexes faster.
    """

    def __init__(self, folder: Path, *, name: str, batch_size: int = 32, threads: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = Path(folder)
        try:
            settings = json.loads((folder / SETTINGS_FILE).read_text(encoding="utf-8"))
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads or usable_cpus()
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            options.log_severity_level = 3  # errors only: its warnings are about graph internals
            self._session = ort.InferenceSession(str(folder / MODEL_FILE), options,
                                                 providers=["CPUExecutionProvider"])
            self._tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        except Exception as error:  # OSError, ValueError, ONNX Runtime's own errors
            raise ModelUnavailableError(
                f"The embedding model in {folder} could not be loaded ({type(error).__name__})."
            ) from error
        self._tokenizer.enable_truncation(int(settings["max_tokens"]))
        self._pad_id = int(settings["pad_id"])
        self.query_prompt = settings["query_prompt"]
        self.passage_prompt = settings["passage_prompt"]
        self.dimension = int(settings["dimension"])
        self.batch_size = batch_size
        self.name = name

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([self.query_prompt + well_formed(t) for t in texts], progress=False)

    def encode_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        return self._encode([self.passage_prompt + well_formed(t) for t in texts], progress=progress)

    def encode_tokens(self, texts: Sequence[str], *, query: bool) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per text, in one pass: its vector (as `encode_queries`/`encode_passages` give it),
        its contextual token vectors (unit length; the prompt, special tokens and punctuation
        left out) and each token's (start, end) in the text: for comparing texts word by word
        (BERTScore-style matching), over the whole text or a part of it."""
        prompt = self.query_prompt if query else self.passage_prompt
        full = [prompt + well_formed(t) for t in texts]
        out: list = [None] * len(full)
        order = sorted(range(len(full)), key=lambda i: -len(full[i]))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            encodings = self._tokenizer.encode_batch([full[i] for i in rows])
            ids, mask = _padded(encodings, pad_id=self._pad_id)
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            pooled = np.einsum("btd,bt->bd", hidden, mask.astype(np.float32)) / mask.sum(axis=1, keepdims=True)
            pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
            for n, (i, encoding) in enumerate(zip(rows, encodings)):
                keep = [t for t, (a, b) in enumerate(encoding.offsets)
                        if a >= len(prompt) and b > a and _is_word(full[i][a:b])]
                vectors = hidden[n, keep]
                spans = np.array([encoding.offsets[t] for t in keep], dtype=np.int64).reshape(-1, 2) - len(prompt)
                out[i] = (pooled[n], vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9), spans)
        return out

    def _encode(self, texts: list[str], *, progress: bool) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # longest first, batched by length: little padding, as sentence-transformers does
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        starts = range(0, len(order), self.batch_size)
        if progress:
            from tqdm import tqdm

            starts = tqdm(starts, desc="Batches", unit="batch")
        for start in starts:
            rows = order[start : start + self.batch_size]
            out[rows] = self._batch([texts[i] for i in rows])
        return out

    def _batch(self, texts: list[str]) -> np.ndarray:
        ids, mask = _padded(self._tokenizer.encode_batch(texts), pad_id=self._pad_id)
        hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        pooled = np.einsum("btd,bt->bd", hidden, mask.astype(np.float32)) / mask.sum(axis=1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def _is_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _padded(encodings: list, *, pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """Token ids padded to the longest encoding, and the attention mask (1 on real tokens)."""
    width = max(len(e.ids) for e in encodings)
    ids = np.full((len(encodings), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(encodings), width), dtype=np.int64)
    for row, encoding in enumerate(encodings):
        ids[row, : len(encoding.ids)] = encoding.ids
        mask[row, : len(encoding.ids)] = 1
    return ids, mask


# --- building ----------------------------------------------------------------------------------


def build_onnx_int8(
    source: Path, target: Path, *, max_tokens: int, float_down_projections: int = FLOAT_DOWN_PROJECTIONS
) -> Path:
    """Export, fuse and quantize the sentence-transformers BERT folder `source` into `target`.

    `float_down_projections` is how many down-projections, most outlying first, stay float32
    (0: every projection int8; the benchmarks compare other settings).

    Assembled in a temporary folder beside `target` and renamed into place, so a half-built model
    is never visible. Raises ModelUnavailableError with one sentence.
    """
    from index.embedding import BUILD_MARKER, swap_into_place

    source, target = Path(source), Path(target)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    except OSError as error:
        raise ModelUnavailableError(f"The model cache {target.parent} is not writable ({error.strerror}).") from error
    try:
        config = json.loads((source / "config.json").read_text(encoding="utf-8"))
        folder = staging / "model"
        folder.mkdir()
        exported = _export(source, staging / "exported.onnx")
        fused = _fuse(exported, staging / "fused.onnx", config=config)
        exported.unlink()
        settings = _settings(source, config, max_tokens=max_tokens)
        ratios = _outlier_ratios(fused, _down_projections(fused, config=config), tokenizer=source / TOKENIZER_FILE,
                                 pad_id=settings["pad_id"])
        keep_float = sorted(ratios, key=ratios.get, reverse=True)[:float_down_projections]
        _quantize(fused, folder / MODEL_FILE, keep_float=keep_float)
        fused.unlink()
        shutil.copyfile(source / TOKENIZER_FILE, folder / TOKENIZER_FILE)
        (folder / SETTINGS_FILE).write_text(json.dumps(settings, indent=2))
        marker = {"build_version": BUILD_VERSION, "source": source.name, "float_nodes": keep_float,
                  "outlier_ratios": {name: round(value, 1) for name, value in ratios.items()}}
        (folder / BUILD_MARKER).write_text(json.dumps(marker, indent=1))
        swap_into_place(folder, target, build_version=BUILD_VERSION)
    except OSError as error:
        raise ModelUnavailableError(
            f"The int8 embedding model could not be written to {target} ({error.strerror or error})."
        ) from error
    except ModelUnavailableError:
        raise
    except Exception as error:  # the exporter, optimizer and quantizer raise many kinds
        raise ModelUnavailableError(
            f"The int8 embedding model could not be built from {source} ({type(error).__name__}: {error})."
        ) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _settings(source: Path, config: dict, *, max_tokens: int) -> dict:
    from tokenizers import Tokenizer

    saved = json.loads((source / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    prompts = {key: value for key, value in saved.get("prompts", {}).items() if value}
    pad_id = Tokenizer.from_file(str(source / TOKENIZER_FILE)).token_to_id("<pad>")
    return {
        "dimension": int(config["hidden_size"]),
        "max_tokens": max_tokens,
        "pad_id": pad_id if pad_id is not None else config.get("pad_token_id", 0),
        "query_prompt": prompts.get("query", ""),
        "passage_prompt": next((prompts[k] for k in ("document", "passage", "corpus") if k in prompts), ""),
    }


def _export(source: Path, target: Path) -> Path:
    """The transformer alone: (input_ids, attention_mask) → last_hidden_state, dynamic batch and length."""
    import torch
    from transformers import AutoModel

    from index.embedding import _no_loading_bars

    class LastHiddenState(torch.nn.Module):  # a plain positional signature for the exporter
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    with _quiet(), _no_loading_bars():
        inner = AutoModel.from_pretrained(str(source), local_files_only=True, attn_implementation="eager")
        model = LastHiddenState(inner.eval())
        dummy = torch.ones((2, 16), dtype=torch.long)
        axes = {0: "batch", 1: "tokens"}
        with torch.no_grad():
            torch.onnx.export(
                model, (dummy, dummy), str(target), input_names=["input_ids", "attention_mask"],
                output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
            )
    return target


def _fuse(source: Path, target: Path, *, config: dict) -> Path:
    from onnxruntime.transformers import optimizer

    with _quiet():
        fused = optimizer.optimize_model(str(source), model_type="bert", num_heads=config["num_attention_heads"],
                                         hidden_size=config["hidden_size"])
        fused.save_model_to_file(str(target))
    return target


def _down_projections(model_path: Path, *, config: dict) -> list[str]:
    """Names of the MatMul nodes whose weight maps the feed-forward width back to the hidden size."""
    import onnx

    model = onnx.load(str(model_path), load_external_data=False)
    shape = [config["intermediate_size"], config["hidden_size"]]
    weights = {tensor.name for tensor in model.graph.initializer if list(tensor.dims) == shape}
    names = [node.name for node in model.graph.node if node.op_type == "MatMul" and weights & set(node.input)]
    if len(names) != config["num_hidden_layers"]:
        raise ModelUnavailableError(
            f"The exported model has {len(names)} feed-forward output projections where "
            f"{config['num_hidden_layers']} were expected."
        )
    return names


def calibration_passages() -> list[str]:
    lines = CALIBRATION.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def _outlier_ratios(model_path: Path, nodes: list[str], *, tokenizer: Path, pad_id: int) -> dict[str, float]:
    """Range ÷ RMS of each named MatMul's input over the calibration passages' real tokens."""
    import onnx
    import onnxruntime as ort
    from tokenizers import Tokenizer

    model = onnx.load(str(model_path))
    inputs = {node.name: node.input[0] for node in model.graph.node if node.name in nodes}
    for name in nodes:
        model.graph.output.append(onnx.helper.make_tensor_value_info(inputs[name], onnx.TensorProto.FLOAT, None))
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    del model
    ids, mask = _padded(Tokenizer.from_file(str(tokenizer)).encode_batch(calibration_passages()), pad_id=pad_id)
    values = session.run([inputs[name] for name in nodes], {"input_ids": ids, "attention_mask": mask})
    ratios = {}
    for name, value in zip(nodes, values):
        real = value[mask.astype(bool)]
        ratios[name] = float((real.max() - real.min()) / np.sqrt(np.mean(np.square(real))))
    return ratios


def _quantize(source: Path, target: Path, *, keep_float: list[str]) -> Path:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with _quiet():
        quantize_dynamic(
            str(source), str(target), weight_type=QuantType.QInt8, per_channel=True,
            op_types_to_quantize=["MatMul", "Attention"], nodes_to_exclude=keep_float,
            # the fused ops carry no type information the quantizer can infer
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    return target


@contextlib.contextmanager
def _quiet():
    """Silence the exporter's and quantizer's warnings and log lines, and undo the quantizer's
    reconfiguration of the root logger."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    root.handlers[:] = [logging.NullHandler()]  # keeps logging.warning() from calling basicConfig
    root.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.setLevel(level)
        root.handlers[:] = handlers
