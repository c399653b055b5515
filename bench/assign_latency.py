"""Assignment latency with a large story index: p50/p95/p99 per article, memory per indexed story.

    .venv/bin/python bench/assign_latency.py [--stories 1000000] [--queries 2000] [--json OUT]

Builds a clusterer holding N synthetic stories (clustered 384-d centroids, Zipf-distributed terms,
names and numbers, posting lists), then times ``add`` for single articles that arrive one at a time
(half continue an existing story, half are new). The embedding is precomputed so the figure is the
assignment itself (candidates, scoring, index and state update); embedding cost is measured by
bench/clustering.py. The synthetic state is written directly into the clusterer's arrays, which is
what it would hold after N stories, without spending hours creating them one by one.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from array import array
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from rich.console import Console

from storyline.stories import KeptHeadline, StoryClusterer, StoryInput, StoryParams

RESULTS = Path(__file__).resolve().parent / "results"
DIM = 384
STDERR = Console(stderr=True)


class QueueEmbedder:
    """Returns vectors queued by the benchmark, so that timing excludes the model."""

    dim = DIM
    name = "synthetic"

    def __init__(self) -> None:
        self.queue: list[NDArray[np.float32]] = []

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        out = np.stack(self.queue[: len(texts)])
        del self.queue[: len(texts)]
        return out


def _rss_mb() -> float:
    # ru_maxrss is in KiB on Linux; peak is what a deployment must provision.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _unit(x: NDArray[np.float32]) -> NDArray[np.float32]:
    out: NDArray[np.float32] = (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)
    return out


def build(
    n: int, rng: np.random.Generator, embedder: QueueEmbedder
) -> tuple[StoryClusterer, NDArray[np.float32]]:
    params = StoryParams.load()
    c = StoryClusterer(params, embedder)
    vocab = 200_000
    topics = _unit(rng.standard_normal((2_000, DIM)).astype(np.float32))
    c._grow(n + 2)
    chunk = 100_000
    for lo in range(1, n + 1, chunk):
        hi = min(n + 1, lo + chunk)
        k = hi - lo
        c._unit[lo:hi] = _unit(
            topics[rng.integers(0, len(topics), k)]
            + 0.6 * rng.standard_normal((k, DIM)).astype(np.float32) / np.sqrt(DIM) * 4
        )
    c._norm[1 : n + 1] = 3.0
    c._size[1 : n + 1] = 3
    c._last[1 : n + 1] = 1.7e9 + np.arange(n) * 60.0
    for ch, k in enumerate(params.channel_sizes):
        c._ids[ch][1 : n + 1] = np.minimum(rng.zipf(1.3, (n, k)), vocab - 1).astype(np.int32) + ch * vocab
        c._w[ch][1 : n + 1] = 1.0
    c._n = n
    c._vocab_terms = [f"t{i}" for i in range(3 * vocab)]
    c._vocab = {t: i for i, t in enumerate(c._vocab_terms)}
    c._df = np.maximum(np.bincount(c._ids[0][1 : n + 1].ravel(), minlength=3 * vocab), 1).astype(np.float64)
    c._n_docs = 3 * n
    c._headlines = [[]] + [[KeptHeadline(f"synthetic story {i}", titled=True)] for i in range(1, n + 1)]
    for sid in range(1, n + 1, 1):
        for tid in c._ids[0][sid][: params.posting_terms]:
            posting = c._postings.setdefault(int(tid), array("i"))
            posting.append(sid)
            if len(posting) > 2 * params.posting_cap:
                del posting[: -params.posting_cap]
    c._index = c._new_index(n + 1024)
    STDERR.log(f"building HNSW over {n} stories")
    for lo in range(1, n + 1, chunk):
        hi = min(n + 1, lo + chunk)
        c._index.add_items(c._unit[lo:hi], np.arange(lo, hi), num_threads=2)
        STDERR.log(f"  {hi - 1}/{n}")
    c._indexed_size[1 : n + 1] = c._size[1 : n + 1]
    return c, topics


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stories", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--json", type=Path, default=RESULTS / "assign-latency.json")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(1)
    embedder = QueueEmbedder()
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    c, _ = build(args.stories, rng, embedder)
    build_s = time.perf_counter() - t0
    rss1 = _rss_mb()

    latencies = []
    for q in range(args.queries):
        target = int(rng.integers(1, args.stories + 1))
        if q % 2 == 0:  # continues an existing story
            vec = _unit(c._unit[target] + 0.3 * rng.standard_normal(DIM).astype(np.float32) / np.sqrt(DIM))
            words = " ".join(c._vocab_terms[int(t)] for t in c._ids[0][target][:8] if t >= 0)
        else:  # something new
            vec = _unit(rng.standard_normal(DIM).astype(np.float32))
            words = " ".join(f"t{int(t)}" for t in rng.integers(0, 200_000, 8))
        embedder.queue.append(vec)
        item = StoryInput(article_id=10_000_000 + q, title=words, text="")
        start = time.perf_counter()
        c.add([item])
        latencies.append((time.perf_counter() - start) * 1000)
    lat = np.array(latencies)
    state_bytes = len(c.dump_state()) if args.stories <= 200_000 else None
    result = {
        "stories": args.stories,
        "queries": args.queries,
        "p50_ms": float(np.percentile(lat, 50)),
        "p95_ms": float(np.percentile(lat, 95)),
        "p99_ms": float(np.percentile(lat, 99)),
        "max_ms": float(lat.max()),
        "build_s": build_s,
        "peak_rss_mb": rss1,
        "rss_per_story_bytes": (rss1 - rss0) * 1024 * 1024 / args.stories,
        "state_bytes_per_story": state_bytes / args.stories if state_bytes else None,
    }
    for key, value in result.items():
        print(f"{key:<24}{value}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
