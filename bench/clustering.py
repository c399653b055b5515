"""Story clustering benchmark: the library pipeline vs. an online single-pass TF-IDF peer.

    .venv/bin/python bench/clustering.py uci|ecbplus|ecbplus-mixed|PATH [--limit N] [--shuffle SEED]
                                         [--json OUT] [--direct]

``ecbplus-mixed`` is ECB+ with three records in ten cut to a one-line headline (see
``fit_stories.headline_only``): a feed's summaries among full reports.

Ours: the records (with `story` stripped) go through ``storyline.Tracker.add`` into a fresh temporary
SQLite store, exactly as a user would feed them, and the assignments are read back from the store.
``--direct`` drives ``StoryClusterer`` alone (no cleaning, duplicates or store) to separate the
clustering from the rest of the pipeline. Speed is measured on the warm pipeline (``warm_up``
first: model load and the date search's set-up, reported separately), embedding included.

Peer: online single-pass TF-IDF (title + text, IDF fitted on the whole stream, cosine to the running
cluster centroids, new cluster below a threshold), the classic baseline the issue compares against;
its thresholds were tuned on the same development streams (see ``BASELINE_THRESHOLDS``).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from clustering_metrics import ClusteringScores, score_clustering
from fit_stories import arrival_orders, load_stream, to_inputs, without_gold
from stores import BACKENDS, Backend, fresh_store
from storyline.stories.embeddings import Embedder

# Best B-cubed F1 of the thresholds tried on each full development stream (UCI: 0.2 0.25 0.3 0.4;
# ECB+: 0.1 to 0.4 step 0.05), see docs/benchmarks.md.
BASELINE_THRESHOLDS = {"headline": 0.20, "full_text": 0.20}
RESULTS = Path(__file__).resolve().parent / "results"
STDERR = Console(stderr=True)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=STDERR,
        transient=True,
    )


def online_tfidf(texts: Sequence[str], threshold: float, tick: Callable[[int], None]) -> list[int]:
    """Single pass: each text joins the centroid with the highest cosine if it reaches ``threshold``."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts).tocsr()
    columns = matrix.tocsc()
    labels = np.zeros(len(texts), dtype=np.int64)
    sq_norms: list[float] = []  # |sum of member vectors|² per cluster
    for i in range(len(texts)):
        row = matrix.getrow(i)
        dots = np.zeros(len(sq_norms))
        # <x_i, centroid_c> is the sum of <x_i, x_j> over members j: read earlier documents sharing a term.
        for term, value in zip(row.indices, row.data, strict=True):
            lo, hi = columns.indptr[term], columns.indptr[term + 1]
            rows = columns.indices[lo:hi]
            cut = lo + int(np.searchsorted(rows, i))
            if cut > lo:
                dots += np.bincount(
                    labels[columns.indices[lo:cut]], columns.data[lo:cut] * value, len(sq_norms)
                )
        norms = np.sqrt(np.asarray(sq_norms))
        cos = np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)
        x_sq = float(row.multiply(row).sum())
        if len(cos) and cos.max() >= threshold:
            best = int(np.argmax(cos))
            labels[i] = best
            sq_norms[best] += 2 * dots[best] + x_sq
        else:
            labels[i] = len(sq_norms)
            sq_norms.append(x_sq)
        tick(1)
    return labels.tolist()


def run_baseline(records: Sequence[Mapping[str, Any]], regime: str) -> tuple[dict[str, int], float]:
    texts = [" ".join(filter(None, [r.get("title"), r.get("text")])) for r in records]
    with _progress() as bar:
        task = bar.add_task("tf-idf baseline", total=len(texts))
        start = time.perf_counter()
        labels = online_tfidf(texts, BASELINE_THRESHOLDS[regime], lambda k: bar.advance(task, k))
        seconds = time.perf_counter() - start
    return {str(r["id"]): label for r, label in zip(records, labels, strict=True)}, seconds


def run_tracker(
    records: Sequence[Mapping[str, Any]], embedder: Embedder | None = None, backend: Backend = "sqlite"
) -> tuple[dict[str, int], float, float]:
    """Ingest ``records`` into a fresh store: (assignments, seconds, model warm-up seconds)."""
    from storyline.tracker import Tracker

    with (
        fresh_store(backend) as location,
        Tracker(location, embedder=embedder) as tracker,
        _progress() as bar,
    ):
        start = time.perf_counter()
        tracker.warm_up()
        load = time.perf_counter() - start
        task = bar.add_task("storyline", total=len(records))
        start = time.perf_counter()
        tracker.add(records, progress=lambda k: bar.advance(task, k))
        seconds = time.perf_counter() - start
        return {r.article_id: r.story_id for r in tracker.export_assignments()}, seconds, load


def run_direct(records: Sequence[Mapping[str, Any]]) -> tuple[dict[str, int], float, float]:
    from storyline.stories import StoryClusterer

    clusterer = StoryClusterer()
    start = time.perf_counter()
    clusterer.embedder.encode(["warm up"])
    load = time.perf_counter() - start
    inputs = to_inputs(records)
    batch = 256
    with _progress() as bar:
        task = bar.add_task("storyline (clusterer only)", total=len(inputs))
        start = time.perf_counter()
        for lo in range(0, len(inputs), batch):
            clusterer.add(inputs[lo : lo + batch])
            bar.advance(task, len(inputs[lo : lo + batch]))
        seconds = time.perf_counter() - start
    out = {
        str(r["id"]): clusterer.story_of(item.article_id) or 0
        for r, item in zip(records, inputs, strict=True)
    }
    return out, seconds, load


def _regime(records: Sequence[Mapping[str, Any]]) -> str:
    # Same rule as the product: records whose body is missing or tiny are headline-only.
    with_body = sum(1 for r in records if len((r.get("text") or "").split()) >= 25)
    return "full_text" if with_body * 2 >= len(records) else "headline"


def _row(name: str, ours: float | int, base: float | int) -> str:
    fmt = "{:>12.4f}" if isinstance(ours, float) else "{:>12d}"
    return f"{name:<22}" + fmt.format(ours) + fmt.format(base)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "dataset", help="uci | ecbplus | ecbplus-mixed | path to a JSONL stream with a gold `story` field"
    )
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--direct", action="store_true", help="drive StoryClusterer only, not the Tracker")
    parser.add_argument(
        "--store", choices=BACKENDS, default="sqlite", help="the Tracker's store backend (default sqlite)"
    )
    parser.add_argument(
        "--shuffle",
        type=int,
        default=None,
        metavar="SEED",
        help="feed both methods a seeded shuffle of the stream instead of its file order, to see"
        " how much a single-pass result owes to the one order the file has",
    )
    args = parser.parse_args(argv)

    records = load_stream(args.dataset, args.limit)
    if args.shuffle is not None:
        records = [records[i] for i in arrival_orders(len(records), [args.shuffle])[1]]
    gold = {str(r["id"]): str(r["story"]) for r in records}
    stripped = [without_gold(r) for r in records]
    regime = _regime(stripped)

    if args.direct:
        ours, seconds, load = run_direct(stripped)
    else:
        ours, seconds, load = run_tracker(stripped, backend=args.store)
    base, base_seconds = run_baseline(stripped, regime)
    s_ours: ClusteringScores = score_clustering(gold, ours)
    s_base: ClusteringScores = score_clustering(gold, base)

    name = Path(args.dataset).stem
    if args.shuffle is not None:
        name += f"-shuffle{args.shuffle}"
    if not args.direct and args.store != "sqlite":
        name += f"-{args.store}"
    print(f"dataset {name}: {len(records)} articles, {s_ours.gold_clusters} gold stories, regime {regime}")
    print(f"{'':<22}{'storyline':>12}{'tfidf-peer':>12}")
    for label, attr in [
        ("B-cubed precision", "bcubed_precision"),
        ("B-cubed recall", "bcubed_recall"),
        ("B-cubed F1", "bcubed_f1"),
        ("pairwise F1", "pairwise_f1"),
        ("stories", "predicted_clusters"),
        ("gold stories", "gold_clusters"),
    ]:
        print(_row(label, getattr(s_ours, attr), getattr(s_base, attr)))
    print(_row("articles/s", len(records) / seconds, len(records) / base_seconds))
    print(f"warm-up s{'':<15}{load:>12.2f}")

    out = args.json or RESULTS / f"clustering-{name}{'-direct' if args.direct else ''}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "dataset": name,
        "articles": len(records),
        "regime": regime,
        "pipeline": "direct" if args.direct else "tracker",
        "store": None if args.direct else args.store,
        "storyline": {
            **s_ours.as_dict(),
            "seconds": seconds,
            "articles_per_s": len(records) / seconds,
            "warm_up_s": load,
        },
        "tfidf_peer": {
            **s_base.as_dict(),
            "seconds": base_seconds,
            "articles_per_s": len(records) / base_seconds,
            "threshold": BASELINE_THRESHOLDS[regime],
        },
    }
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
