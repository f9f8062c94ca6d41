"""The fast embedding model: all-MiniLM-L6-v2 as an ONNX Runtime graph, fused and partly int8.

Built once per machine, offline, from the bundled weights: torch exports the transformer to
ONNX, ONNX Runtime's transformer optimizer fuses attention, GELU and layer norms, and dynamic
int8 quantization (per output channel) takes the attention and first feed-forward projections.
The second feed-forward projection and the word embeddings stay float32: quantizing them is
what costs accuracy in this model (cosine to torch falls to 0.97 on some texts; without them
it stays above 0.99 on every text of the R manuals checked, at 1.5x the speed of float32).

The result is checked against the torch model before it is kept, and it lives in the user
cache dir (it is derived from the installed package and rebuilt when that or the recipe
changes), written atomically so two processes building at once cannot leave half a file.

An installer ships the built model instead (`write_prebuilt`, run at packaging time): a folder
holding `model.onnx` and `tokenizer.json`, which runs on ONNX Runtime and `tokenizers` alone,
with no torch, sentence-transformers or transformers in the app at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from docnook.errors import ModelError
from docnook.paths import cache_dir, ensure_private_dir

log = logging.getLogger(__name__)

# Bump when the recipe below changes, so caches built by the old one are rebuilt.
RECIPE = 1
FILE_NAME = "model.onnx"
# The built graph must match torch this closely on every check text, or it is not kept.
MIN_COSINE = 0.98
CHECK_TEXTS = [
    "How do I fit a linear model with an interaction term?",
    "The quick brown fox jumps over the lazy dog.",
    "lm(formula, data, subset, weights, na.action, method = 'qr', model = TRUE)",
    "Returns a list with components: coefficients, residuals, effects, rank, fitted.values.",
    "Den Bericht bitte bis Freitag an die Verwaltung schicken.",
    "x",
    (
        "Packages provide a mechanism for loading optional code, data and documentation as "
        "needed. The R distribution itself includes about 30 packages. In the following, we "
        "assume that you know the library() command, including its lib.loc argument, and we "
        "also assume basic knowledge of the R CMD INSTALL utility. "
    )
    * 6,  # longer than the window: truncation must match too
]


TOKENIZER_FILE = "tokenizer.json"
REPORT_FILE = "build.json"


def prebuilt_model(folder: Path) -> Path | None:
    """The ready ONNX model in `folder` when it is a prebuilt one (as an installer ships it),
    else None: then the model must be built from the torch weights there."""
    onnx_file = folder / FILE_NAME
    return onnx_file if onnx_file.is_file() and (folder / TOKENIZER_FILE).is_file() else None


def write_prebuilt(
    model_path: Path, out: Path, max_tokens: int, threads: int | None = None
) -> dict:
    """Put a prebuilt model folder for an installer in `out`: the ONNX model built (and checked
    against torch) from `model_path`, its tokenizer and the build report. Returns the report."""
    onnx_file = ensure_model(model_path, max_tokens, threads)
    out.mkdir(parents=True, exist_ok=True)
    for source in (onnx_file, onnx_file.parent / REPORT_FILE, model_path / TOKENIZER_FILE):
        target = out / source.name
        shutil.copyfile(source, target)
        target.chmod(0o644)  # read by everyone who runs the installed app; never written
    report = json.loads((out / REPORT_FILE).read_text(encoding="utf-8"))
    report["max_tokens"] = max_tokens
    (out / REPORT_FILE).write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report


def model_dir(model_path: Path) -> Path:
    """Where the ONNX model built from `model_path` is kept, keyed by the weights it came from,
    the recipe and the ONNX Runtime that will run it."""
    import onnxruntime

    weights = model_path / "model.safetensors"
    stat = weights.stat()
    source = f"{RECIPE}|{onnxruntime.__version__}|{weights.resolve()}|{stat.st_size}|"
    source += str(stat.st_mtime_ns)
    key = hashlib.sha256(source.encode()).hexdigest()[:16]
    return cache_dir() / "models" / f"minilm-onnx-{key}"


def ensure_model(model_path: Path, max_tokens: int, threads: int | None = None) -> Path:
    """The path of the built ONNX model, building it first when there is none yet."""
    target = model_dir(model_path)
    onnx_file = target / FILE_NAME
    # The cache is private to the user, like the data dir (mkdtemp below makes the model's
    # own folder 0700; its files are made 0600 before it gets its real name).
    ensure_private_dir(cache_dir())
    ensure_private_dir(target.parent)
    if onnx_file.is_file():
        _make_private(target)  # a cache made before DocNook did this
        return onnx_file
    log.info("Building the ONNX embedding model in %s (once, about 15 seconds)", target)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    try:
        report = build(model_path, staging / FILE_NAME, max_tokens, threads)
        (staging / REPORT_FILE).write_text(json.dumps(report, indent=2), encoding="utf-8")
        _make_private(staging)
        try:
            staging.rename(target)
        except OSError:
            if not onnx_file.is_file():  # not another process finishing first: a real failure
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return onnx_file


def _make_private(folder: Path) -> None:
    with contextlib.suppress(OSError):
        if folder.stat().st_mode & 0o077:
            folder.chmod(0o700)
        for entry in folder.iterdir():
            if entry.is_file() and entry.stat().st_mode & 0o077:
                entry.chmod(0o600)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Keep the build's advice off the person's terminal: onnxruntime's quantizer logs through
    the root logger (installing a stderr handler when there is none), torch's exporter warns."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    root = logging.getLogger()
    drop = logging.Filter("docnook")  # passes only records of loggers named docnook.*
    placeholder = logging.NullHandler()
    root.addFilter(drop)
    root.addHandler(placeholder)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.removeHandler(placeholder)
        root.removeFilter(drop)


def build(model_path: Path, out: Path, max_tokens: int, threads: int | None = None) -> dict:
    """Export, fuse, quantize and check; returns what the check measured."""
    with _quiet():
        return _build(model_path, out, max_tokens, threads)


def _build(model_path: Path, out: Path, max_tokens: int, threads: int | None) -> dict:
    import onnx
    import onnxruntime
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer
    from sentence_transformers import SentenceTransformer

    if threads:
        torch.set_num_threads(threads)
    reference = SentenceTransformer(
        str(model_path),
        device="cpu",
        local_files_only=True,
        model_kwargs={"attn_implementation": "eager"},  # the form the optimizer can fuse
    )
    reference.max_seq_length = max_tokens
    transformer = reference[0].auto_model.eval()
    config = transformer.config
    work = out.parent
    exported, fused = work / "exported.onnx", work / "fused.onnx"

    class _Encoder(torch.nn.Module):
        # Keyword arguments: positional ones no longer line up with BertModel.forward.
        def __init__(self) -> None:
            super().__init__()
            self.model = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    sample = torch.ones(2, 16, dtype=torch.long)
    with torch.no_grad():
        torch.onnx.export(
            _Encoder(),
            (sample, sample, torch.zeros_like(sample)),
            str(exported),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={
                name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]
            },
            opset_version=17,
            dynamo=False,
        )
    optimized = optimizer.optimize_model(
        str(exported),
        model_type="bert",
        num_heads=config.num_attention_heads,
        hidden_size=config.hidden_size,
    )
    optimized.save_model_to_file(str(fused))
    fusions = {k: v for k, v in optimized.get_fused_operator_statistics().items() if v}

    graph = onnx.load(str(fused)).graph
    shapes = {init.name: tuple(init.dims) for init in graph.initializer}
    second_ffn = [
        node.name
        for node in graph.node
        if node.op_type == "MatMul"
        and any(
            shapes.get(name) == (config.intermediate_size, config.hidden_size)
            for name in node.input
        )
    ]
    quantize_dynamic(
        str(fused),
        str(out),
        weight_type=QuantType.QInt8,
        per_channel=True,
        op_types_to_quantize=["MatMul", "Attention"],
        nodes_to_exclude=second_ffn,
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    exported.unlink()
    fused.unlink()

    expected = reference.encode(CHECK_TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    got = OnnxEncoder(out, model_path / TOKENIZER_FILE, max_tokens, threads).encode(CHECK_TEXTS)
    cosines = np.sum(expected * got, axis=1)
    if float(cosines.min()) < MIN_COSINE:
        raise ModelError(
            f"The ONNX embedding model drifted from the original (cosine {cosines.min():.3f})."
        )
    return {
        "recipe": RECIPE,
        "onnxruntime": onnxruntime.__version__,
        "fusions": fusions,
        "float32_nodes": second_ffn,
        "check_min_cosine": round(float(cosines.min()), 5),
    }


class OnnxEncoder:
    """Runs a built model: texts in, mean-pooled unit vectors out, as sentence-transformers
    computes them for this model (word pieces truncated to the window, mean over real tokens,
    L2-normalised)."""

    # Small batches: int8 activations are scaled per batch, so a small batch scales each text
    # more closely, and the attention buffers (batch x heads x 256 x 256 floats) stay small.
    # Measured here, 8 was as fast as 16 or 32 and took 150 MB less memory than 32.
    batch_size = 8

    def __init__(
        self, onnx_file: Path, tokenizer_file: Path, max_tokens: int, threads: int | None = None
    ) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        # ORT_DISABLE_TELEMETRY (set by the network guard) stops it on Linux and macOS; this
        # is the switch for the Windows builds' event tracing.
        with contextlib.suppress(Exception):
            onnxruntime.disable_telemetry_events()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or 0  # 0: one per physical core
        options.inter_op_num_threads = 1
        # Its pool threads otherwise spin between operators, burning a core that indexing's
        # OCR processes (or the language model) need: with two OCR processes busy, a tenth
        # less CPU for the same vectors, and no slower on idle cores (benchmarks/README.md,
        # "Speed, fifth pass").
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Shapes change with every batch, so planned memory patterns never get reused: off,
        # they only hold on to memory (peak RSS 15% lower, same speed).
        options.enable_mem_pattern = False
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(
            str(onnx_file), options, providers=["CPUExecutionProvider"]
        )
        self.input_names = {node.name for node in self.session.get_inputs()}
        # Its own tokenizer: the chunker's, on the reader thread, has no truncation.
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_tokens)

    def encode(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        return self.encode_with_sentences(texts, None, batch_size)[0]

    def encode_with_sentences(
        self,
        texts: Sequence[str],
        sentence_spans: Sequence[Sequence[tuple[int, int]]] | None,
        batch_size: int | None = None,
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """`encode`, and where `sentence_spans` are given (character spans of each text), a
        vector per sentence pooled from the same pass: the mean of the sentence's own word
        pieces as the whole text shaped them ("late chunking"), so a sentence costs nothing
        more than the text it is in. A sentence past the model's window gets zeros."""
        batch_size = batch_size or self.batch_size
        encodings = self.tokenizer.encode_batch(list(texts))
        out: np.ndarray | None = None
        sentences: list[np.ndarray] = [np.zeros((0, 0), np.float32)] * len(texts)
        # Longest first in batches of like length: padding costs as much as real tokens.
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        for start in range(0, len(order), batch_size):
            picked = order[start : start + batch_size]
            width = len(encodings[picked[0]].ids)
            ids = np.zeros((len(picked), width), dtype=np.int64)
            mask = np.zeros((len(picked), width), dtype=np.int64)
            for row, index in enumerate(picked):
                pieces = encodings[index].ids
                ids[row, : len(pieces)] = pieces
                mask[row, : len(pieces)] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.input_names:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feeds)[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            if out is None:
                out = np.zeros((len(texts), pooled.shape[1]), dtype=np.float32)
            out[picked] = pooled / np.maximum(norms, 1e-12)
            if sentence_spans is not None:
                for row, index in enumerate(picked):
                    sentences[index] = pool_spans(
                        hidden[row], encodings[index].offsets, sentence_spans[index]
                    )
        if out is None:
            out = np.zeros((0, 0), dtype=np.float32)
        return out, sentences


def pool_spans(
    hidden: np.ndarray, offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]
) -> np.ndarray:
    """Unit vectors, one per character span, each the mean of the token states that lie
    inside it (special tokens have empty offsets and never do). Zeros where none does."""
    out = np.zeros((len(spans), hidden.shape[-1]), dtype=np.float32)
    if not spans:
        return out
    starts = np.array([a for a, _ in offsets], dtype=np.int64)
    ends = np.array([b for _, b in offsets], dtype=np.int64)
    real = ends > starts
    for n, (a, b) in enumerate(spans):
        inside = real & (starts >= a) & (ends <= b)
        if inside.any():
            vector = hidden[: len(offsets)][inside].mean(axis=0)
            out[n] = vector / max(float(np.linalg.norm(vector)), 1e-12)
    return out
