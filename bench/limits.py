"""How far the clusterer's features can go on a development stream: ceilings that use the gold.

    .venv/bin/python bench/limits.py ecbplus|uci [--data STREAM.jsonl] [--entities] [--json OUT]

``bench/clustering.py`` says how well storyline clusters; this says how well anything could that
compares reports the way storyline does (``pair_scores``: the shipped weights over
MiniLM, term, name and number similarity). Every ceiling below is allowed to look at the gold, so a
goal above it cannot be reached by a better search, order or threshold, only by features (or data)
that tell the stories apart.

ecbplus (reports as the ingest builds them, term weights learned over the whole stream):
  - ``pair AUC within topics``: how well the pair score ranks 'same event' above 'other event of the
    same topic' (ROC AUC over all pairs of reports sharing a topic);
  - ``batch, gold cut``: average linkage over all reports, cut at the height the gold likes best;
  - ``topic known, ...``: each report's topic is given, so no topic is ever mixed with another
    (the clusterer's hardest part, done by the gold), and each topic is then
      - ``each cut in two``: cut once, by average linkage (``stories.split_in_two``, the line
        splitting draws) or by spectral bisection; this also takes from the gold that every topic
        holds exactly two events, which is how ECB+ was built, not something a stream says;
      - ``cut by split_line at gold-best thresholds``: cut again and again for as long as
        ``stories.SplitRule``, the decision splitting makes, says a part holds two stories, with
        the thresholds (``MAX_BETWEEN`` x ``MIN_GAP``) the gold likes best;
  - ``topics whose ...``: topics whose gold line scores lower between the events than within the
    less coherent one (gap > 0), and by at least the shipped ``split_gap``;
  - with ``--entities``, whether the entity stage's names would help story assignment: the pair
    score plus ``w`` times the TF-IDF cosine of the two reports' tagged names (spaCy's people,
    organisations and places, ``entities.names.normalise``d; IDF over the stream), for each ``w``
    of ``ENTITY_WEIGHTS``: the pair AUC within topics and the batch gold cut again (``w`` 0 is the
    shipped score). The clusterer already reads capitalised words as names; this says what a
    tagger adds on top.
uci (headlines, the clusterer alone, as ``bench/clustering.py uci --direct``):
  - ``identical headlines together, else the gold``: every group of identical headlines in its
    majority gold story, every other headline in its own: what the labels allow a clusterer that
    reads nothing but the headline (the label noise);
  - ``pair AUC inside large stories``: the same AUC over pairs sampled inside every predicted story
    of ``LARGE`` headlines or more (where the precision is lost);
  - ``large stories re-cut, gold cut``: each of those stories re-clustered in batch by average
    linkage, at the one cut height the gold likes best;
  - with ``--entities``, the pair AUC inside large stories with the headlines' tagged names added
    as above.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.metrics import roc_auc_score

from clustering_metrics import score_clustering
from fit_stories import (
    cached_embedder,
    ingested_inputs,
    load_stream,
    run_clusterer,
    story_ids,
    to_inputs,
)
from storyline.entities import NameTagger
from storyline.entities.names import normalise
from storyline.stories import SplitRule, StoryClusterer, StoryInput, StoryParams, line_gap, split_in_two
from storyline.stories.features import featurise
from storyline.stories.scoring import PairScorer

RESULTS = Path(__file__).resolve().parent / "results"
LARGE = 100  # headlines: the predicted stories whose precision the UCI ceilings look into
PAIRS_PER_STORY = 400
# The splitting rules the topic-known ceiling may choose from (``stories.SplitRule``'s thresholds).
MAX_BETWEEN = (0.8, 0.9, 1.0, 1.1, 1.2, 1.4, float("inf"))
MIN_GAP = tuple(float(g) for g in np.arange(-0.1, 0.61, 0.02))
# Weights of the tagged names' cosine added to the pair score (``--entities``).
ENTITY_WEIGHTS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5)


def f1(gold: Mapping[int, Hashable], predicted: Mapping[int, Hashable]) -> float:
    return score_clustering(gold, predicted).bcubed_f1


def average_linkage(scores: NDArray[np.float64]) -> NDArray[np.float64]:
    """Average-linkage merge tree of items scored pairwise (higher = closer)."""
    distance = scores.max() - scores
    np.fill_diagonal(distance, 0.0)
    tree: NDArray[np.float64] = linkage(squareform(np.maximum(distance, 0.0), checks=False), "average")
    return tree


def cut(tree: NDArray[np.float64], scores: NDArray[np.float64], threshold: float) -> list[int]:
    """Clusters of the tree whose members score at least ``threshold`` on average."""
    return [int(x) for x in fcluster(tree, scores.max() - threshold, "distance")]


def spectral_halves(scores: NDArray[np.float64], groups: Sequence[int]) -> tuple[list[int], list[int]]:
    """Two parts by the sign of the Fiedler vector of the normalised graph Laplacian (negative
    scores count as no edge): a balanced cut, where average linkage peels outliers off first.
    Every item must be its own group."""
    if len(set(groups)) != len(groups):
        raise ValueError("spectral_halves cuts single items, not groups")
    weights = np.clip(scores, 0.0, None)
    np.fill_diagonal(weights, 0.0)
    inv_sqrt = 1.0 / np.sqrt(np.maximum(weights.sum(axis=1), 1e-12))
    laplacian = np.eye(len(weights)) - inv_sqrt[:, None] * weights * inv_sqrt[None, :]
    fiedler = np.linalg.eigh(laplacian)[1][:, 1] * inv_sqrt
    first = [i for i in range(len(weights)) if (fiedler[i] < 0) == (fiedler[0] < 0)]
    second = [i for i in range(len(weights)) if (fiedler[i] < 0) != (fiedler[0] < 0)]
    return first, second


# Draws a line through items scored pairwise, keeping each group whole: two parts, item 0's first.
Halves = Callable[[NDArray[np.float64], Sequence[int]], tuple[list[int], list[int]]]
CUTTERS: dict[str, Halves] = {"average linkage": split_in_two, "spectral": spectral_halves}


def divisive(
    scores: NDArray[np.float64], cutter: str, min_part: int, max_between: float, min_gap: float
) -> list[list[int]]:
    """Parts of the items, cutting every part again while ``stories.SplitRule`` (the decision
    splitting makes, judging the line drawn by ``cutter``) says it holds two stories. With the
    average-linkage cutter each cut is the product's ``split_line``."""
    rule = SplitRule(min_part, max_between, min_gap)
    done: list[list[int]] = []
    todo = [list(range(len(scores)))]
    while todo:
        part = todo.pop()
        if len(part) < 2 * min_part:  # as the clusterer: too small to hold two stories
            done.append(part)
            continue
        block = scores[np.ix_(part, part)]
        first, second = CUTTERS[cutter](block, range(len(part)))
        if rule.between(block, first, second) is None:
            done.append(part)
        else:
            todo += [[part[k] for k in first], [part[k] for k in second]]
    return done


def pair_scores(clusterer: StoryClusterer, items: Sequence[StoryInput]) -> NDArray[np.float64]:
    """The score the clusterer gives every pair of ``items``, each pair in its own regime, with the
    term weights the stream has taught it so far: its own scorer (``PairScorer.matrix``, which its
    split decision uses) over its own vocabulary. The items join no story; words it never saw
    enter its vocabulary unweighted, as a new article's do before they are counted."""
    state = clusterer.state
    articles = featurise(items, clusterer.embed(items), state.vocabulary, clusterer.params)
    return PairScorer(clusterer.params, state.stories).matrix(articles, state.vocabulary.idf())


def name_similarity(items: Sequence[StoryInput]) -> NDArray[np.float64]:
    """The TF-IDF cosine of every pair of items' tagged names (title and text, as the entity stage
    tags them), names normalised as the entity stage keys them."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    tagged = NameTagger().tag([f"{item.title}\n\n{item.text}" if item.title else item.text for item in items])
    bags = [[normalise(name.text, name.type) for name in names] for names in tagged]
    vectoriser = TfidfVectorizer(analyzer=lambda bag: bag, sublinear_tf=True)
    matrix = vectoriser.fit_transform(bags)
    return np.asarray((matrix @ matrix.T).toarray(), dtype=np.float64)


def batch_gold_cut(scores: NDArray[np.float64], gold: Mapping[int, Hashable]) -> float:
    """B-cubed F1 of average linkage over all items, cut at the height the gold likes best."""
    tree = average_linkage(scores)
    heights = np.unique(np.round(scores[np.triu_indices(len(scores), 1)], 3))
    grid = np.quantile(heights, np.linspace(0.5, 1.0, 201))
    return max(f1(gold, dict(enumerate(cut(tree, scores, float(h))))) for h in grid)


def ecbplus_limits(entities: bool = False, data: str = "ecbplus") -> dict[str, float]:
    records = load_stream(data)
    inputs = ingested_inputs(records)
    kept = [i for i, item in enumerate(inputs) if item is not None]
    items: list[StoryInput] = [item for item in inputs if item is not None]
    story = [str(records[i]["story"]) for i in kept]
    topic = [s.split("_")[0] for s in story]
    params = StoryParams.load()
    # Term weights as at the end of the stream.
    scores = pair_scores(run_clusterer(items, params, cached_embedder(data)), items)
    gold = dict(enumerate(story))

    by_topic: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(topic):
        by_topic[t].append(i)
    pairs = [(i, j) for members in by_topic.values() for x, i in enumerate(members) for j in members[x + 1 :]]
    same = [story[i] == story[j] for i, j in pairs]

    def within_topics_auc(scored: NDArray[np.float64]) -> float:
        return float(roc_auc_score(same, [scored[i, j] for i, j in pairs]))

    figures = {
        "pair AUC within topics": within_topics_auc(scores),
        "batch, gold cut": batch_gold_cut(scores, gold),
    }
    if entities:
        names = name_similarity(items)
        for weight in ENTITY_WEIGHTS[1:]:
            with_names = scores + weight * names
            figures[f"pair AUC within topics, + {weight} x names"] = within_topics_auc(with_names)
            figures[f"batch, gold cut, + {weight} x names"] = batch_gold_cut(with_names, gold)
    blocks = {t: scores[np.ix_(members, members)] for t, members in by_topic.items()}
    for cutter, halves in CUTTERS.items():
        in_two: dict[int, Hashable] = {}
        for t, members in by_topic.items():
            for side, part in enumerate(halves(blocks[t], range(len(members)))):
                in_two.update({members[k]: (t, side) for k in part})
        figures[f"topic known, each cut in two ({cutter})"] = f1(gold, in_two)
        best = 0.0
        for max_between, min_gap in itertools.product(MAX_BETWEEN, MIN_GAP):
            parts: dict[int, Hashable] = {}
            for t, members in by_topic.items():
                for n, part in enumerate(
                    divisive(blocks[t], cutter, params.split_min_part, max_between, min_gap)
                ):
                    parts.update({members[k]: (t, n) for k in part})
            best = max(best, f1(gold, parts))
        figures[f"topic known, cut by split_line at gold-best thresholds ({cutter})"] = best
    gold_gaps = []
    for t, members in by_topic.items():
        events: dict[str, list[int]] = defaultdict(list)
        for k, i in enumerate(members):
            events[story[i]].append(k)
        gold_gaps.append(line_gap(blocks[t], *events.values()))
    figures["topics"] = float(len(by_topic))
    figures["topics whose events score apart (gap > 0)"] = float(sum(g > 0 for g in gold_gaps))
    figures["topics whose gap passes the shipped split_gap"] = float(
        sum(g >= params.full_text.split_gap for g in gold_gaps)
    )
    return figures


def uci_limits(entities: bool = False, data: str = "uci") -> dict[str, float]:
    records = load_stream(data)
    story = [str(r["story"]) for r in records]
    gold = dict(enumerate(story))

    by_headline: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        by_headline[" ".join(str(r.get("title") or "").lower().split())].append(i)
    together: dict[int, Hashable] = {}
    for group in by_headline.values():
        majority = Counter(story[i] for i in group).most_common(1)[0][0]
        together.update({i: majority for i in group})

    inputs = to_inputs(records)
    clusterer = run_clusterer(inputs, StoryParams.load(), cached_embedder(data))
    predicted = story_ids(clusterer, inputs)
    members: dict[int, list[int]] = defaultdict(list)
    for i, sid in predicted.items():
        members[sid].append(i)
    large = [m for m in members.values() if len(m) >= LARGE]

    rng = np.random.default_rng(0)
    same: list[bool] = []
    pair: list[float] = []
    name_pair: list[float] = []
    trees = []
    for m in large:
        scores = pair_scores(clusterer, [inputs[i] for i in m])
        a, b = rng.integers(len(m), size=(2, PAIRS_PER_STORY))
        keep = a != b
        same += [story[m[i]] == story[m[j]] for i, j in zip(a[keep], b[keep], strict=True)]
        pair += scores[a[keep], b[keep]].tolist()
        if entities:
            name_pair += name_similarity([inputs[i] for i in m])[a[keep], b[keep]].tolist()
        trees.append((m, average_linkage(scores), scores))
    recut = 0.0
    for threshold in np.arange(0.40, 0.95, 0.05):
        relabelled: dict[int, Hashable] = dict(predicted)
        for m, tree, scores in trees:
            for i, part in zip(m, cut(tree, scores, float(threshold)), strict=True):
                relabelled[i] = (predicted[i], part)
        recut = max(recut, f1(gold, relabelled))
    figures = {
        "identical headlines together, else the gold": f1(gold, together),
        "storyline, direct": f1(gold, predicted),
        "large stories": float(len(large)),
        "headlines in large stories": float(sum(map(len, large))),
        "pair AUC inside large stories": float(roc_auc_score(same, pair)),
        "large stories re-cut, gold cut": recut,
    }
    for weight in ENTITY_WEIGHTS[1:] if entities else ():
        with_names = np.asarray(pair) + weight * np.asarray(name_pair)
        figures[f"pair AUC inside large stories, + {weight} x names"] = float(roc_auc_score(same, with_names))
    return figures


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dataset", choices=["ecbplus", "uci"], help="which ceilings (and, by default, data)")
    parser.add_argument(
        "--data", type=Path, help="a stream file of the dataset's format (default: its stream.jsonl)"
    )
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--entities", action="store_true", help="also score the pairs with the tagged names added"
    )
    args = parser.parse_args(argv)
    limits = ecbplus_limits if args.dataset == "ecbplus" else uci_limits
    figures = limits(args.entities, str(args.data or args.dataset))
    for name, value in figures.items():
        print(f"{name:<72}{value:>10.4f}" if value % 1 else f"{name:<72}{int(value):>10d}")
    out: Path = args.json or RESULTS / f"limits-{args.dataset}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"dataset": args.dataset, **figures}
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
