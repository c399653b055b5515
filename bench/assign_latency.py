"""Assignment latency with a large story index: p50/p95/p99 per article, memory per indexed story.

    .venv/bin/python bench/assign_latency.py [--stories 1000000] [--queries 2000] [--json OUT]

Builds a clusterer holding N synthetic stories (clustered 384-d centroids, Zipf-distributed terms,
names and numbers, posting lists), then times ``add`` for single articles that arrive one at a time
(half continue an existing story, half are new). The embedding is passed to ``add`` precomputed so
the figure is the assignment itself (candidates, scoring, index and state update); embedding cost is
measured by bench/clustering.py. The synthetic stories are a ``StoryState`` built through the
parts' own constructors, which is what a clusterer would hold after N stories, without spending
hours creating them one by one; the clusterer builds its ANN index over them as after a load.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from rich.console import Console

from storyline.stories import (
    KeptHeadline,
    MiniLMEmbedder,
    StoryClusterer,
    StoryInput,
    StoryParams,
    StoryState,
)
from storyline.stories.candidates import Postings
from storyline.stories.features import Vocabulary
from storyline.stories.splitting import KeptMemberIndex
from storyline.stories.story_table import StoryTable

RESULTS = Path(__file__).resolve().parent / "results"
DIM = 384
VOCAB = 200_000  # ids per channel
STDERR = Console(stderr=True)


def _rss_mb() -> float:
    # ru_maxrss is in KiB on Linux; peak is what a deployment must provision.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _unit(x: NDArray[np.float32]) -> NDArray[np.float32]:
    out: NDArray[np.float32] = (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)
    return out


def synthetic_state(n: int, rng: np.random.Generator, params: StoryParams, room: int) -> StoryState:
    """``n`` stories of three members each, with room for ``room`` more before any array grows."""
    stories = StoryTable(DIM, params.top_sizes, capacity=n + 1 + room)
    topics = _unit(rng.standard_normal((2_000, DIM)).astype(np.float32))
    chunk = 100_000
    for lo in range(1, n + 1, chunk):
        hi = min(n + 1, lo + chunk)
        k = hi - lo
        stories.unit[lo:hi] = _unit(
            topics[rng.integers(0, len(topics), k)]
            + 0.6 * rng.standard_normal((k, DIM)).astype(np.float32) / np.sqrt(DIM) * 4
        )
    stories.norm[1 : n + 1] = 3.0
    stories.size[1 : n + 1] = 3
    stories.last[1 : n + 1] = 1.7e9 + np.arange(n) * 60.0
    # Each channel draws from its own block of ids, as names and numbers have their own vocabulary.
    for block, (top_ids, top_tf, k) in enumerate(
        zip(stories.top_ids, stories.top_tf, params.top_sizes, strict=True)
    ):
        top_ids[1 : n + 1] = np.minimum(rng.zipf(1.3, (n, k)), VOCAB - 1).astype(np.int32) + block * VOCAB
        top_tf[1 : n + 1] = 1.0
    stories.count = n
    stories.headlines = [[]] + [[KeptHeadline(f"synthetic story {i}", titled=True)] for i in range(1, n + 1)]
    terms = stories.top_ids.terms[1 : n + 1]
    document_frequency = np.maximum(np.bincount(terms.ravel(), minlength=3 * VOCAB), 1).astype(np.float64)
    vocabulary = Vocabulary(
        params.idf_prior_docs, [f"t{i}" for i in range(3 * VOCAB)], document_frequency, 3 * n
    )
    postings = Postings()
    for sid in range(1, n + 1):
        postings.post(sid, terms[sid - 1][: params.posting_terms].tolist(), params.posting_cap)
    return StoryState(stories, vocabulary, postings, KeptMemberIndex(params.split_max_members))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stories", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--json", type=Path, default=RESULTS / "assign-latency.json")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(1)
    params = StoryParams.load()
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    state = synthetic_state(args.stories, rng, params, room=args.queries)
    STDERR.log(f"building HNSW over {args.stories} stories")
    # MiniLM is never run: every ``add`` below is given its vector; it names the vectors' space.
    c = StoryClusterer(params, MiniLMEmbedder(), state)
    build_s = time.perf_counter() - t0
    rss1 = _rss_mb()

    stories, vocabulary = state.stories, state.vocabulary
    latencies = []
    for q in range(args.queries):
        target = int(rng.integers(1, args.stories + 1))
        if q % 2 == 0:  # continues an existing story
            noise = 0.3 * rng.standard_normal(DIM).astype(np.float32) / np.sqrt(DIM)
            vec = _unit(stories.unit[target] + noise)
            words = " ".join(vocabulary.terms[int(t)] for t in stories.top_ids.terms[target][:8] if t >= 0)
        else:  # something new
            vec = _unit(rng.standard_normal(DIM).astype(np.float32))
            words = " ".join(f"t{int(t)}" for t in rng.integers(0, VOCAB, 8))
        item = StoryInput(article_id=10_000_000 + q, title=words, text="")
        start = time.perf_counter()
        c.add([item], vec[None, :])
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
