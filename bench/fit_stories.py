"""Fit the story scorer's weights and thresholds on the development streams; write story_params.json.

    .venv/bin/python bench/fit_stories.py [--regime headline|full_text|mixed|all] [--split half|all]
                                          [--shuffles N] [--out PATH]

Each regime (the kind of pair compared, see ``storyline.stories``) is fitted on the stream that
exercises it: headline pairs on headline-only records (UCI News Aggregator), full-text pairs on full
texts (ECB+ development topics), and mixed pairs on ECB+ with three records in ten cut to a one-line
headline (``ecbplus-mixed``, see ``headline_only``). The regime applies to any pair by what its sides
hold; the dataset only decides where the fitting signal comes from. Gold `story` labels are used for scoring
only; ids and file order never reach the clusterer as anything but an opaque counter.

The objective is the mean B-cubed F1 over the file order and ``--shuffles`` seeded shuffles of it
(see ``arrival_orders``), and the report adds shuffles the fit never saw. The full-text regime is
also held to the product's defining example: the three seed reports must stay one story (see
``splits_seed_story``).

Guard against over-fitting: with ``--split half`` the search sees only the gold stories whose
sha1(story) is even, and the chosen config is then scored on the odd half it never saw. Embeddings
are cached under bench/results/cache so that the search re-runs only the (fast) online pass.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import itertools
import json
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from clustering_metrics import ClusteringScores, score_clustering
from storyline.ingest.articles import build_article
from storyline.ingest.published import date_in_line
from storyline.ingest.sources import document_from_record
from storyline.models import Article, Document, Rejection
from storyline.stories import Regime, RegimeParams, StoryClusterer, StoryInput, StoryParams
from storyline.stories.embeddings import Embedder, MiniLMEmbedder
from storyline.stories.stage import in_time_order
from storyline.tracker import BATCH_SIZE

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
DATASETS = {
    "uci": DATA / "uci_news_aggregator" / "stream.jsonl",
    "ecbplus": DATA / "ecbplus" / "stream.jsonl",
}
CACHE = ROOT / "bench" / "results" / "cache"
PARAMS_OUT = ROOT / "src" / "storyline" / "stories" / "story_params.json"


# Records of ECB+ cut to a headline in the mixed stream: those whose sha1(id) % 10 is below this. The
# ids are opaque, so the choice carries no label.
MIXED_HEADLINE_SHARE = 3
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_WORD = re.compile(r"[^\W\d_]{3,}")


def headline_only(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record as a feed might carry it: a one-line title, no body.

    The title is the text's first line of at least four words of three letters or more and no date
    (an ECB+ report's headline or lead paragraph; 'Posted on January 5, 2011, 3: 37 PM EDT' is no
    feed's title), cut at its first sentence end past 200 characters: what a feed's summary line
    looks like.
    """
    lines = str(record.get("text") or "").strip().split("\n")
    line = next(
        (x for x in lines if len(_WORD.findall(x)) >= 4 and date_in_line(x) is None), lines[0]
    ).strip()
    if len(line) > 200:
        line = _SENTENCE_END.split(line, maxsplit=1)[0][:200]
    return {**record, "title": line, "text": None}


def mixed_stream(records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``records`` with ``MIXED_HEADLINE_SHARE`` in ten cut to headlines, the rest unchanged."""
    return [
        headline_only(r)
        if int(hashlib.sha1(str(r["id"]).encode("utf-8")).hexdigest(), 16) % 10 < MIXED_HEADLINE_SHARE
        else dict(r)
        for r in records
    ]


def load_stream(dataset: str, limit: int | None = None) -> list[dict[str, Any]]:
    """A stream by name (``uci``, ``ecbplus``, ``ecbplus-mixed``) or path, in file order."""
    if dataset == "ecbplus-mixed":
        return mixed_stream(load_stream("ecbplus", limit))
    path = DATASETS.get(dataset, Path(dataset))
    records = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                records.append(json.loads(line))
                if limit is not None and len(records) >= limit:
                    break
    return records


def story_half(story: str) -> int:
    return int(hashlib.sha1(story.encode("utf-8")).hexdigest(), 16) % 2


def _published(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def to_inputs(records: Sequence[Mapping[str, Any]]) -> list[StoryInput]:
    """Records in file order -> StoryInput; the article id is the arrival counter, never the record id."""
    return [
        StoryInput(
            article_id=i,
            title=r.get("title"),
            text=r.get("text") or "",
            published=_published(r.get("published")),
            outlet=r.get("source"),
        )
        for i, r in enumerate(records)
    ]


_ARRIVAL_NOW = datetime(2026, 11, 1, tzinfo=UTC)  # only bounds implausible future dates in the pages


def without_gold(record: Mapping[str, Any]) -> dict[str, Any]:
    """``record`` without its gold ``story``: what the product may see of it."""
    return {k: v for k, v in record.items() if k != "story"}


def ingest_record(record: Mapping[str, Any], name: str, article_id: int) -> StoryInput | Rejection:
    """What the ``Tracker`` hands the clusterer for ``record``: the article the ingest builds from it
    (cleaned text, title, the date of its dateline; never the gold story), or why the ingest
    rejects it."""
    document = document_from_record(without_gold(record), name, name)
    built = build_article(document, now=_ARRIVAL_NOW) if isinstance(document, Document) else document
    if not isinstance(built, Article):
        return built
    return StoryInput.from_article(article_id, built, duplicate_of=None)


def ingested_inputs(records: Sequence[Mapping[str, Any]]) -> list[StoryInput | None]:
    """Each record as the ``Tracker`` hands it to the clusterer (None where the ingest rejects it); the
    article id is the record's position in the file, never its id.

    The fit scores what the product clusters. Fitted on the raw records instead, the parameters
    scored 0.924 B-cubed F1 on raw ECB+ but 0.916 on what the ``Tracker`` feeds the clusterer
    (docs/benchmarks.md). Near-duplicate groups are not formed here; on ECB+ forcing them changes
    nothing.
    """
    inputs: list[StoryInput | None] = []
    for i, record in enumerate(records):
        report = ingest_record(record, f"record#{i}", i)
        inputs.append(None if isinstance(report, Rejection) else report)
    return inputs


def as_ingested(inputs: Sequence[StoryInput | None], order: Sequence[int]) -> list[StoryInput]:
    """``inputs`` arriving in ``order`` as the ``Tracker`` feeds them to the clusterer: rejected
    records dropped, each batch of ``BATCH_SIZE`` in published-time order (``in_time_order``)."""
    arrived = [item for item in (inputs[i] for i in order) if item is not None]
    return [
        item
        for start in range(0, len(arrived), BATCH_SIZE)
        for item in in_time_order(arrived[start : start + BATCH_SIZE], lambda item: item.published)
    ]


class CachedEmbedder:
    """Wraps an embedder with an on-disk cache keyed by sha1 of the exact text embedded."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self._inner = inner
        self._path = path
        self._vectors: dict[str, NDArray[np.float32]] = {}
        if path.exists():
            with np.load(path) as data:
                for key, vec in zip(data["keys"], data["vectors"], strict=True):
                    self._vectors[str(key)] = vec

    @property
    def dim(self) -> int:
        return self._inner.dim

    @property
    def name(self) -> str:
        return self._inner.name

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self._vectors}.items())
        if missing:
            vecs = self._inner.encode([t for _, t in missing])
            for (k, _), v in zip(missing, vecs, strict=True):
                self._vectors[k] = v
            self._save()
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys])

    def _save(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(self._vectors)
        np.savez(
            self._path,
            keys=np.array(keys, dtype="U40"),
            vectors=np.stack([self._vectors[k] for k in keys]),
        )


def cached_embedder(dataset: str) -> CachedEmbedder:
    inner = MiniLMEmbedder()
    return CachedEmbedder(inner, CACHE / f"{Path(dataset).stem}-{inner.name}.npz")


def run_clusterer(
    inputs: Sequence[StoryInput], params: StoryParams, embedder: Embedder, batch: int = 4096
) -> StoryClusterer:
    clusterer = StoryClusterer(params, embedder)
    for start in range(0, len(inputs), batch):
        clusterer.add(inputs[start : start + batch])
    return clusterer


def story_ids(clusterer: StoryClusterer, inputs: Sequence[StoryInput]) -> dict[int, int]:
    """Each input's story now (0 for none), by article id."""
    return {item.article_id: clusterer.story_of(item.article_id) or 0 for item in inputs}


def cluster(inputs: Sequence[StoryInput], params: StoryParams, embedder: Embedder) -> dict[int, int]:
    return story_ids(run_clusterer(inputs, params, embedder), inputs)


def evaluate(
    records: Sequence[Mapping[str, Any]],
    inputs: Sequence[StoryInput],
    params: StoryParams,
    embedder: Embedder,
) -> ClusteringScores:
    predicted = cluster(inputs, params, embedder)
    gold = {i: str(r["story"]) for i, r in enumerate(records)}
    return score_clustering(gold, predicted)


def arrival_orders(n: int, shuffles: Sequence[int]) -> list[list[int]]:
    """The file order, then one seeded shuffle per entry of ``shuffles``.

    A single-pass clusterer's result depends on arrival order, and a development stream is one
    order among many: parameters fitted on it alone fit that order (on ECB+, 0.903 in file order
    but 0.864 over ten other shuffles). Averaging over several orders fits the stream instead.
    """
    orders = [list(range(n))]
    for seed in shuffles:
        order = list(range(n))
        np.random.default_rng(seed).shuffle(order)
        orders.append(order)
    return orders


def f1_over_orders(
    records: Sequence[Mapping[str, Any]],
    inputs: Sequence[StoryInput | None],
    params: StoryParams,
    embedder: Embedder,
    orders: Sequence[Sequence[int]],
) -> list[float]:
    """B-cubed F1 for each arrival order (a permutation of ``inputs``' positions), as ingested."""
    return [evaluate(records, as_ingested(inputs, order), params, embedder).bcubed_f1 for order in orders]


Objective = Callable[[RegimeParams], float]

# The product's defining example: the three Guan Heng seed reports (../shared/seeds), cleaned as the
# ingest cleans them, must form one story in every arrival order. ECB+ alone, with its two same-type
# events per topic, rewards a scorer stricter than that; the long wire report names its subject only
# after the first 64 embedded word-pieces and is the weakest link. So the full-text search maximises
# ECB+ B-cubed F1 among the configurations that keep the seeds together: a configuration that splits
# them scores one less than its F1, which steers the search away without a hand-set value.
SEEDS = ROOT.parent / "shared" / "seeds"


@functools.cache
def seed_reports() -> tuple[StoryInput, ...]:
    reports = []
    for i, path in enumerate(sorted(SEEDS.glob("*.txt")), start=1):
        report = ingest_record({"text": path.read_text(encoding="utf-8")}, path.name, i)
        if isinstance(report, Rejection):
            raise SystemExit(f"{path}: {report.reason}")
        reports.append(report)
    return tuple(reports)


def splits_seed_story(params: StoryParams, embedder: Embedder) -> bool:
    """Whether some arrival order of the seed reports leaves them in more than one story."""
    for order in itertools.permutations(seed_reports()):
        clusterer = StoryClusterer(params, embedder)
        clusterer.add(order)
        if len({clusterer.story_of(r.article_id) for r in order}) > 1:
            return True
    return False


# Each regime and the streams it is fitted on, in fitting order. Mixed pairs also occur in plain ECB+
# (20 of its 535 texts are one-liners), so their fit must not buy the mixed stream at its expense.
STREAMS = {
    Regime.HEADLINE: ("uci",),
    Regime.FULL_TEXT: ("ecbplus",),
    Regime.MIXED: ("ecbplus-mixed", "ecbplus"),
}

# Seeds of the arrival-order shuffles the fit averages over, and of others it never sees, for checking.
FIT_SHUFFLES = tuple(range(1, 9))
CHECK_SHUFFLES = tuple(range(100, 120))

# Coordinate search: each field is tried at these offsets from its current value, repeatedly, until no
# single move improves the objective. Small, fixed steps keep the search cheap and the result explainable.
_STEPS: dict[str, tuple[float, ...]] = {
    "threshold": (-0.08, -0.04, -0.02, 0.02, 0.04, 0.08),
    "w_terms": (-0.2, -0.1, 0.1, 0.2),
    "w_names": (-0.2, -0.1, 0.1, 0.2),
    "w_numbers": (-0.2, -0.1, 0.1, 0.2),
    "merge_threshold": (-0.1, -0.05, 0.05, 0.1),
}
# Bridging is fitted for full texts only: on the first 20k UCI headlines it changed nothing (B-cubed
# 0.653 with and without); one headline is too little evidence that two stories are one. It stays off
# (threshold 99) for headlines.
_BRIDGE_STEPS: dict[str, tuple[float, ...]] = {
    "bridge_threshold": (-0.1, -0.05, 0.05, 0.1),
    "bridge_margin": (-0.02, 0.02, 0.04),
}
# Splitting likewise: a headline story's members are one line each, too little to cut a story by.
_SPLIT_STEPS: dict[str, tuple[float, ...]] = {
    "split_threshold": (-0.1, -0.05, 0.05, 0.1),
    "split_gap": (-0.1, -0.05, 0.05, 0.1),
}

# Random search box (seeded) before the coordinate refinement: the objective is bumpy (single-pass
# order effects), so a local search from one start point gets stuck.
_BOX: dict[str, tuple[float, float]] = {
    "w_terms": (0.0, 1.0),
    "w_names": (0.0, 1.5),
    "w_numbers": (0.0, 1.0),
    "threshold": (0.3, 1.4),
}


def random_search(
    start: RegimeParams,
    objective: Objective,
    samples: int,
    log: Callable[[str], None],
) -> tuple[RegimeParams, float]:
    rng = np.random.default_rng(7)
    best, best_score = start, objective(start)
    log(f"start {best_score:.4f} {best}")
    for _ in range(samples):
        draw = {name: round(float(rng.uniform(lo, hi)), 3) for name, (lo, hi) in _BOX.items()}
        trial = replace(start, **draw)
        trial = replace(trial, merge_threshold=round(trial.threshold + 0.3, 3))
        score = objective(trial)
        if score > best_score:
            best, best_score = trial, score
            log(f"  random {score:.4f} {draw}")
    return best, best_score


def coordinate_search(
    start: RegimeParams,
    start_score: float,
    objective: Objective,
    steps: Mapping[str, tuple[float, ...]],
    rounds: int,
    log: Callable[[str], None],
) -> RegimeParams:
    best, best_score = start, start_score
    for _ in range(rounds):
        improved = False
        for name, offsets in steps.items():
            for step in offsets:
                value = round(getattr(best, name) + step, 4)
                if value < 0:
                    continue
                trial = replace(best, **{name: value})
                score = objective(trial)
                if score > best_score + 1e-4:
                    best, best_score, improved = trial, score, True
                    log(f"  {name}={value} -> {score:.4f}")
        if not improved:
            break
    log(f"best {best_score:.4f} {best}")
    return best


def _subset(records: Sequence[Mapping[str, Any]], half: int | None) -> list[Mapping[str, Any]]:
    return [r for r in records if half is None or story_half(str(r["story"])) == half]


def fit_regime(
    datasets: Sequence[str],
    regime: Regime,
    base: StoryParams,
    half: int | None,
    samples: int,
    rounds: int,
    shuffles: int,
    log: Callable[[str], None],
) -> RegimeParams:
    """Fit one regime; the objective is the mean over ``datasets`` of the mean F1 over the orders."""
    streams = []
    for dataset in datasets:
        records = _subset(load_stream(dataset), half)
        inputs = ingested_inputs(records)
        orders = arrival_orders(len(inputs), FIT_SHUFFLES[:shuffles])
        streams.append((records, inputs, cached_embedder(dataset), orders))
    seeds_embedder = CachedEmbedder(MiniLMEmbedder(), CACHE / "seeds.npz")

    def objective(rp: RegimeParams) -> float:
        params = base.with_regime(regime, rp)
        f1 = float(
            np.mean(
                [
                    np.mean(f1_over_orders(records, inputs, params, embedder, orders))
                    for records, inputs, embedder, orders in streams
                ]
            )
        )
        if regime is Regime.FULL_TEXT and splits_seed_story(params, seeds_embedder):
            return f1 - 1.0
        return f1

    steps = {**_STEPS, **(_BRIDGE_STEPS | _SPLIT_STEPS if regime is Regime.FULL_TEXT else {})}
    start, start_score = random_search(base.regime(regime), objective, samples, log)
    return coordinate_search(start, start_score, objective, steps, rounds, log)


def report(dataset: str, params: StoryParams, half: int | None, shuffles: int) -> ClusteringScores:
    """Scores in file order, and the mean over ``shuffles`` orders the fit never saw."""
    records = _subset(load_stream(dataset), half)
    inputs = ingested_inputs(records)
    t0 = time.perf_counter()
    embedder = cached_embedder(dataset)
    scores = evaluate(records, as_ingested(inputs, range(len(inputs))), params, embedder)
    unseen = ""
    if shuffles:
        orders = arrival_orders(len(inputs), CHECK_SHUFFLES[:shuffles])[1:]
        f1s = f1_over_orders(records, inputs, params, embedder, orders)
        unseen = f"; {shuffles} unseen shuffles: mean {np.mean(f1s):.4f} min {min(f1s):.4f}"
    print(
        f"{dataset} half={half}: B3 F1 {scores.bcubed_f1:.4f}"
        f" (P {scores.bcubed_precision:.4f} R {scores.bcubed_recall:.4f})"
        f" pairwise F1 {scores.pairwise_f1:.4f} stories {scores.predicted_clusters}/{scores.gold_clusters}"
        f"{unseen} [{time.perf_counter() - t0:.1f}s, cached embeddings]",
        flush=True,
    )
    return scores


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--split", choices=["half", "all"], default="all", help="fit on one half of gold stories"
    )
    parser.add_argument("--samples", type=int, default=40, help="random-search draws per regime")
    parser.add_argument("--rounds", type=int, default=2, help="coordinate-search rounds per regime")
    parser.add_argument(
        "--shuffles",
        type=int,
        default=4,
        choices=range(len(FIT_SHUFFLES) + 1),
        metavar="N",
        help=f"fit on the file order plus N shuffles (0 to {len(FIT_SHUFFLES)})",
    )
    parser.add_argument(
        "--check-shuffles",
        type=int,
        default=10,
        choices=range(len(CHECK_SHUFFLES) + 1),
        metavar="N",
        help="report ECB+ streams also over N unseen shuffles (UCI: file order only, minutes a pass)",
    )
    parser.add_argument("--out", type=Path, default=PARAMS_OUT)
    parser.add_argument("--eval-only", action="store_true", help="score the shipped params, do not fit")
    parser.add_argument(
        "--regime",
        choices=[*STREAMS, "all"],
        default="all",
        help="refit one regime and keep the others as shipped (a full UCI fit takes hours here)",
    )
    args = parser.parse_args(list(argv) if argv is not None else None)

    base = StoryParams.load()

    def report_all(params: StoryParams, regimes: Iterable[Regime]) -> None:
        # Each stream once, though plain ECB+ serves two regimes.
        for dataset in dict.fromkeys(d for regime in regimes for d in STREAMS[regime]):
            for half in (None, 0, 1):
                report(dataset, params, half, 0 if dataset == "uci" else args.check_shuffles)

    if args.eval_only:
        report_all(base, STREAMS)
        return
    refit = [regime for regime in STREAMS if args.regime in (regime, "all")]
    fit_half = 0 if args.split == "half" else None
    where = " (gold stories with even sha1)" if fit_half == 0 else ""
    fitted = base
    fitted_on = dict(base.fitted_on)
    # Mixed pairs are fitted last, against the headline and full-text parameters they sit between.
    for regime in refit:
        datasets = STREAMS[regime]
        regime_params = fit_regime(
            datasets,
            regime,
            fitted,
            fit_half,
            args.samples,
            args.rounds,
            args.shuffles,
            functools.partial(print, f"[{regime}]", flush=True),
        )
        fitted_on[regime] = (
            f"{' and '.join(datasets)}{where}: mean B-cubed F1 over the file order and"
            f" {args.shuffles} shuffles, by bench/fit_stories.py --regime {regime}"
            f" --split {args.split} --shuffles {args.shuffles}"
        )
        if regime is Regime.FULL_TEXT:
            fitted_on[regime] += "; constrained to keep the seed reports one story in every order"
        fitted = fitted.with_regime(regime, regime_params)
    fitted = replace(fitted, fitted_on=fitted_on)
    report_all(fitted, refit)
    split = splits_seed_story(fitted, CachedEmbedder(MiniLMEmbedder(), CACHE / "seeds.npz"))
    print(f"seed reports one story in every arrival order: {'no' if split else 'yes'}")
    args.out.write_text(json.dumps(fitted.to_dict(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
