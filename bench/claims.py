"""Claims: alignment on ECB+, status and independence on our labelled reports, citations, speed.

    python bench/claims.py [--data ../shared/data/ecbplus/documents.jsonl]
                           [--status bench/data/claims_status.jsonl] [--json bench/results/claims.json]

Alignment. Pairs of fully annotated sentences (``selected_sentences``; an ecbplus document's URL and
headline lines left out) from different documents of one topic (both of its events pooled); a pair
is positive when the two sentences share a cross-document event chain (ACTION_* mentions). Each
topic's documents are read as the product reads an article (claims, names from the entity tagger,
MiniLM vectors) and the aligner groups all their claims at once; a pair is predicted positive when
a claim of one sentence and a claim of the other fall in one group. Pairwise P/R/F1, beside two
same-run baselines at their best threshold: TF-IDF cosine and MiniLM cosine of the two sentences.

Status and independence. ``--status`` holds invented reports (wires, rewrites, syndicated copies,
conflicts, attributions, supersessions), each with its outlet, published time and the claim groups
a reader expects (sentence → group label, status, origin count). Each story is ingested through
the Tracker (hashing story embedder, MiniLM claim vectors), and each labelled group is matched to
the product's group holding its sentences; accuracy per status and of the origin count.

Citations: the share of brief sentences and claim-group members whose offsets give back their text
from the stored article, over the ECB+ topics and the seeds. Speed: ``compare`` and ``brief`` of a
100-article story, and adding one article to it (wall clock, the median of five additions, with
and without the claim stage), and the CPU the claim stage's commit spends on that story, part by
part. Prints one figure per line.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer

from storyline.claims.align import DEFAULT_PARAMS, Aligned, AlignParams, assign_claims, group_claims
from storyline.claims.extract import extract_claims
from storyline.claims.story import story_claims
from storyline.entities import NameTagger
from storyline.entities.resolution import resolve_report
from storyline.entities.tagger import sentence_of
from storyline.models import Article, MetaValue, Origin, PublishedTime, Sentence, Span
from storyline.store import Store
from storyline.stories.embeddings import Embedder, HashingEmbedder, MiniLMEmbedder
from storyline.tracker import Tracker

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "ecbplus" / "documents.jsonl"
STATUS = ROOT / "bench" / "data" / "claims_status.jsonl"
SEEDS = ROOT.parent / "shared" / "seeds"
# What separates two events of one kind: the report's context weighs more and a claim joins its
# event's group at a lower score (the best on ECB+'s development topics: docs/benchmarks.md).
EVENT_PARAMS = AlignParams(context=1.5, threshold=0.15)


@dataclass(frozen=True, slots=True)
class EvalSentence:
    topic: str
    doc: str
    number: int
    text: str
    chains: frozenset[str]


@dataclass(frozen=True, slots=True)
class TopicDoc:
    """One ECB+ document read as an article: its evaluated sentences are ``numbers``, in order."""

    doc: str
    article: Article
    numbers: tuple[int, ...]


def read_documents(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def evaluated_sentences(doc: dict[str, Any]) -> list[int]:
    """The selected sentences, an ecbplus document's URL and headline lines left out."""
    skip = {0, 1} if doc.get("subcorpus") == "ecbplus" else set()
    return [n for n in doc["selected_sentences"] if n not in skip]


def eval_sentences(docs: Sequence[dict[str, Any]]) -> list[EvalSentence]:
    out: list[EvalSentence] = []
    for doc in docs:
        chains: dict[int, set[str]] = defaultdict(set)
        for mention in doc["mentions"]:
            if mention["type"].startswith("ACTION") and mention["chain"] and mention["chain_cross_doc"]:
                chains[mention["sentence"]].add(mention["chain"])
        text = {s["n"]: s["text"] for s in doc["sentences"]}
        for n in evaluated_sentences(doc):
            out.append(EvalSentence(doc["topic"], doc["id"], n, text[n], frozenset(chains[n])))
    return out


def pairs_of(sentences: Sequence[EvalSentence]) -> list[tuple[int, int, bool]]:
    by_topic: dict[str, list[int]] = defaultdict(list)
    for i, sentence in enumerate(sentences):
        by_topic[sentence.topic].append(i)
    return [
        (a, b, bool(sentences[a].chains & sentences[b].chains))
        for members in by_topic.values()
        for a, b in itertools.combinations(members, 2)
        if sentences[a].doc != sentences[b].doc
    ]


def article_of(doc: dict[str, Any]) -> TopicDoc:
    """The document's body sentences (URL and headline lines left out) as an article's text, one
    paragraph per sentence."""
    numbers = [
        s["n"] for s in doc["sentences"] if not (doc.get("subcorpus") == "ecbplus" and s["n"] in (0, 1))
    ]
    texts = {s["n"]: s["text"] for s in doc["sentences"]}
    parts: list[str] = []
    sentences: list[Sentence] = []
    paragraphs: list[Span] = []
    offset = 0
    for i, n in enumerate(numbers):
        parts.append(texts[n])
        sentences.append(Sentence(i, offset, offset + len(texts[n])))
        paragraphs.append(Span(offset, offset + len(texts[n])))
        offset += len(texts[n]) + 1
    missing = MetaValue.missing()
    article = Article(
        external_id=doc["id"], locator=doc["id"], raw_sha256="", text="\n".join(parts), title=missing,
        outlet=missing, url=missing, author=missing, language=MetaValue("en", Origin.SUPPLIED),
        published=PublishedTime.unknown(), paragraphs=tuple(paragraphs), sentences=tuple(sentences),
    )  # fmt: skip
    return TopicDoc(doc["id"], article, tuple(numbers))


@dataclass
class TopicClaims:
    """A topic's claims, ready for the aligner, with the (doc, sentence number) of each."""

    items: list[Aligned]
    where: list[tuple[str, int]]


def read_topics(
    docs: Sequence[dict[str, Any]], embedder: Embedder, tagger: NameTagger
) -> dict[str, TopicClaims]:
    topics: dict[str, TopicClaims] = {}
    read = [article_of(doc) for doc in docs]
    tagged = tagger.tag([r.article.text for r in read])
    for position, (doc, topic_doc, names) in enumerate(zip(docs, read, tagged, strict=True)):
        article = topic_doc.article
        starts = [s.start for s in article.sentences]
        mentions = resolve_report(names, [sentence_of(article.sentences, starts, n.start) for n in names])
        claims = extract_claims(article, mentions).claims
        vectors = (
            embedder.encode([c.text for c in claims]) if claims else np.zeros((0, embedder.dim), np.float32)
        )
        topic = topics.setdefault(doc["topic"], TopicClaims([], []))
        for claim, vector in zip(claims, vectors, strict=True):
            topic.items.append(Aligned(position, claim, vector))
            topic.where.append((topic_doc.doc, topic_doc.numbers[claim.sentence]))
    return topics


def aligned_labels(
    topics: dict[str, TopicClaims], params: AlignParams
) -> dict[tuple[str, int], tuple[str, int]]:
    """(doc, sentence number) → (topic, group) of its claim."""
    out: dict[tuple[str, int], tuple[str, int]] = {}
    for topic, claims in topics.items():
        for where, label in zip(claims.where, group_claims(claims.items, params), strict=True):
            out[where] = (topic, label)
    return out


@dataclass(frozen=True, slots=True)
class PairScores:
    precision: float
    recall: float
    f1: float


def pair_scores(predicted: Sequence[bool], pairs: Sequence[tuple[int, int, bool]]) -> PairScores:
    tp = sum(1 for p, (_, _, g) in zip(predicted, pairs, strict=True) if p and g)
    fp = sum(1 for p, (_, _, g) in zip(predicted, pairs, strict=True) if p and not g)
    fn = sum(1 for p, (_, _, g) in zip(predicted, pairs, strict=True) if not p and g)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(precision, recall, f1)


def best_threshold(
    scores: NDArray[np.float64], pairs: Sequence[tuple[int, int, bool]]
) -> tuple[PairScores, float]:
    best = (PairScores(0, 0, 0), 0.0)
    for threshold in np.unique(np.round(scores, 3)):
        found = pair_scores(list(scores >= threshold), pairs)
        if found.f1 > best[0].f1:
            best = (found, float(threshold))
    return best


def alignment(path: Path, params: AlignParams = DEFAULT_PARAMS) -> dict[str, Any]:
    docs = read_documents(path)
    sentences = eval_sentences(docs)
    pairs = pairs_of(sentences)
    minilm = MiniLMEmbedder()
    topics = read_topics(docs, minilm, NameTagger())
    labels = aligned_labels(topics, params)
    key = [(s.doc, s.number) for s in sentences]
    predicted = [
        key[a] in labels and key[b] in labels and labels[key[a]] == labels[key[b]] for a, b, _ in pairs
    ]
    ours = pair_scores(predicted, pairs)
    texts = [s.text for s in sentences]
    tfidf = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    tfidf_cos = np.array([(tfidf[a] @ tfidf[b].T).toarray()[0, 0] for a, b, _ in pairs])
    vectors = minilm.encode(texts)
    minilm_cos = np.array([float(vectors[a] @ vectors[b]) for a, b, _ in pairs])
    (tf_scores, tf_threshold), (ml_scores, ml_threshold) = (
        best_threshold(tfidf_cos, pairs),
        best_threshold(minilm_cos, pairs),
    )
    return {
        "pairs": len(pairs),
        "positive_share": sum(g for _, _, g in pairs) / len(pairs),
        "ours": ours,
        "tfidf": (tf_scores, tf_threshold),
        "minilm": (ml_scores, ml_threshold),
        "topics": topics,
    }


# -- status and independence on the labelled reports ---------------------------------------------


def story_records(story: dict[str, Any]) -> list[dict[str, Any]]:
    """A labelled story's reports as records for ``Tracker.add``: one paragraph per sentence."""
    return [
        {
            "id": report["id"],
            "title": report["title"],
            "outlet": report["outlet"],
            "published": report["published"],
            "text": "\n\n".join(sentence for _, sentence in report["sentences"]),
        }
        for report in story["reports"]
    ]


@dataclass
class StatusTally:
    groups: int = 0
    status_right: int = 0
    origins_right: int = 0
    aligned_right: int = 0
    stories_split: int = 0
    per_status: dict[str, list[int]] | None = None

    def add(self, expected: str, status_right: bool) -> None:
        per = self.per_status if self.per_status is not None else {}
        self.per_status = per
        right, total = per.get(expected, [0, 0])
        per[expected] = [right + int(status_right), total + 1]


def status_accuracy(path: Path, embedder: Embedder) -> StatusTally:
    tally = StatusTally()
    with path.open(encoding="utf-8") as lines:
        stories = [json.loads(line) for line in lines if line.strip()]
    for story in stories:
        with (
            tempfile.TemporaryDirectory() as folder,
            Tracker(Path(folder) / "status.db", embedder=embedder) as tracker,
        ):
            tracker.add(story_records(story))
            ids = [s.id for s in tracker.stories()]
            tally.stories_split += len(ids) > 1
            groups = [g for story_id in ids if (view := tracker.compare(story_id)) for g in view.groups]
            where = {(m.article_id, m.claim.text.strip()): g for g in groups for m in g.members}
            article_of = {a.external_id: a.id for a in tracker.articles()}
            for fact, (status, origins) in story["expected"].items():
                keys = [
                    (article_of[r["id"]], sentence)
                    for r in story["reports"]
                    for label, sentence in r["sentences"]
                    if label == fact
                ]
                found = [where[k] for k in keys if k in where]
                tally.groups += 1
                if not found:
                    tally.add(status, False)
                    continue
                group = max(found, key=found.count)
                tally.status_right += group.status.value == status
                tally.origins_right += len(group.origins) == origins
                tally.add(status, group.status.value == status)
                labelled = {
                    (article_of[r["id"]], sentence): label
                    for r in story["reports"]
                    for label, sentence in r["sentences"]
                    if label
                }
                inside = {labelled.get((m.article_id, m.claim.text.strip())) for m in group.members} - {None}
                tally.aligned_right += (
                    len(found) == len(keys) and found.count(group) == len(keys) and inside == {fact}
                )
    return tally


# -- citations ---------------------------------------------------------------------------------------


def citations_resolved(tracker: Tracker) -> tuple[int, int]:
    """(resolved, total) over every story's claim-group members and brief citations: a citation
    resolves when the stored article's text at its offsets is the claim's (a brief sentence's first
    citation: the sentence's own text)."""
    resolved = total = 0
    for story in tracker.stories():
        comparison, brief = tracker.compare(story.id), tracker.brief(story.id)
        if comparison is None or brief is None:  # a listed story exists
            raise RuntimeError(f"story {story.id} vanished")
        cited: list[tuple[int, int, int, str | None]] = [
            (m.article_id, m.claim.start, m.claim.end, m.claim.text)
            for g in comparison.groups
            for m in g.members
        ]
        cited += [
            (c.article_id, c.start, c.end, s.text if i == 0 else None)
            for s in brief.sentences
            for i, c in enumerate(s.citations)
        ]
        for article_id, start, end, expected in cited:
            stored = (tracker.store.articles.text(article_id) or "")[start:end]
            total += 1
            resolved += bool(stored.strip()) and (expected is None or expected.strip() == stored.strip())
    return resolved, total


def seeds_tracker(folder: Path, embedder: Embedder) -> Tracker:
    """The seeds fed 004, then 003, then 000 (004 and 000 given published days)."""
    tracker = Tracker(folder / "seeds.db", embedder=embedder)
    published = {"004": "2025-12-20", "000": "2026-02-05"}
    for name in ("004", "003", "000"):
        (path,) = SEEDS.glob(f"{name}_*.txt")
        record = {"id": name, "text": path.read_text(encoding="utf-8")}
        tracker.add([record | ({"published": published[name]} if name in published else {})])
    return tracker


def ecb_tracker(folder: Path, docs: Sequence[dict[str, Any]]) -> Tracker:
    """ECB+'s documents stored and clustered into stories as the product does (hashing embedder,
    no entities: the figure is about citations, not quality)."""
    tracker = Tracker(folder / "ecb.db", embedder=HashingEmbedder(), extract_entities=False)
    tracker.add([{"id": d["id"], "text": article_of(d).article.text} for d in docs])
    return tracker


# -- speed ------------------------------------------------------------------------------------------

_SPEED_FACTS = (
    "Officials in Vell said {n} people were hurt when the Nordby bridge gave way on Monday.",
    "Mayor Ana Brel of Vell ordered an inquiry into the collapse of the Nordby bridge.",
    '"We will find out what went wrong," said Ana Brel.',
    "Engineers had inspected the Nordby bridge {m} months ago, the city said.",
    "Traffic through Vell was diverted to the ring road after the Nordby bridge collapse.",
    "Police said the Nordby bridge in Vell remains closed.",
    "Divers searched the river below the Nordby bridge for {k} missing cars.",
    "The regional government promised {n} million euros to rebuild the Nordby bridge.",
    "Residents of Vell had complained about cracks in the Nordby bridge for years.",
    "The company that built the Nordby bridge, Strand Works, declined to comment.",
)


def speed_records(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """``count`` invented reports of one bridge collapse, each a random choice of its facts."""
    rng = random.Random(seed)
    outlets = ["Vell Today", "Coast FM", "Reuters", "Harbour Times", "City Ledger"]
    records = []
    for index in range(count):
        facts = rng.sample(_SPEED_FACTS, rng.randint(5, len(_SPEED_FACTS)))
        text = " ".join(
            f.format(n=rng.randint(2, 9), m=rng.randint(2, 9), k=rng.randint(1, 4)) for f in facts
        )
        records.append(
            {
                "id": f"bridge-{index}",
                "title": f"Nordby bridge collapse: report {index}",
                "outlet": rng.choice(outlets),
                "published": f"2026-03-{1 + index % 9:02d}",
                "text": text,
            }
        )
    return records


def best_of(repeat: int, call: Any) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best


ADDED = 5


def least_cpu(repeat: int, call: Any) -> float:
    """The least CPU time of this process over ``repeat`` calls: what the work costs, as far as a
    shared machine lets a figure say (other jobs' load inflates wall-clock times, far less this)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        call()
        best = min(best, time.process_time() - started)
    return best


def commit_cpu(store: Store, story_id: int) -> dict[str, float]:
    """The CPU the claim stage's commit spends on a story when its newest report arrives, part by
    part: reading the story's claims, assigning the newest report's claims to the groups of the
    others', and comparing the story's groups (for its brief's new state)."""
    claims = store.claims.for_story(story_id)
    newest = max(c.article_id for c in claims)
    old = [c for c in claims if c.article_id != newest]
    existing = [Aligned(c.article_id, c.claim, c.vector) for c in old]
    groups = [c.group if c.group is not None else -1 for c in old]
    new = [Aligned(c.article_id, c.claim, c.vector) for c in claims if c.article_id == newest]
    return {
        "read_claims_cpu_s": least_cpu(15, lambda: store.claims.for_story(story_id)),
        "assign_cpu_s": least_cpu(15, lambda: assign_claims(existing, groups, new)),
        "compare_cpu_s": least_cpu(15, lambda: story_claims(store, story_id, claims, dated=False)),
    }


def speed(folder: Path, embedder: Embedder, articles: int = 100) -> dict[str, float]:
    """``compare`` and ``brief`` of the largest story of ``articles`` invented reports of one event,
    and one more report added with and without the claim stage (the difference is its cost), on
    two copies of one store; and the CPU parts of the claim commit on that story (``commit_cpu``)."""
    records = speed_records(articles + ADDED)
    with Tracker(folder / "speed.db", embedder=embedder) as tracker:
        tracker.add(records[:articles])
        story = max(tracker.stories(), key=lambda s: s.article_count)
        size = story.article_count
        commit = commit_cpu(tracker.store, story.id)

    def first_call(view: Callable[[Tracker], object]) -> Callable[[], object]:
        """The view from a new reading tracker: a tracker keeps a story's views until the story
        changes, so only a first call derives them (what a reader of a changed story waits for)."""

        def call() -> object:
            with Tracker(folder / "speed.db", embedder=embedder, create=False) as reader:
                return view(reader)

        return call

    compare_s = best_of(3, first_call(lambda reader: reader.compare(story.id)))
    brief_s = best_of(3, first_call(lambda reader: reader.brief(story.id)))
    shutil.copy(folder / "speed.db", folder / "speed-without.db")
    added: dict[bool, float] = {}
    for claims, name in ((False, "speed-without.db"), (True, "speed.db")):
        with Tracker(folder / name, embedder=embedder, compare_sources=claims) as tracker:
            tracker.warm_up()
            took = []
            for record in records[articles:]:  # one at a time: the median of ADDED additions
                started = time.perf_counter()
                tracker.add([record])
                took.append(time.perf_counter() - started)
            added[claims] = float(np.median(took))
    return {
        "story_articles": size,
        "compare_s": compare_s,
        "brief_s": brief_s,
        "add_article_s": added[True],
        "add_article_without_claims_s": added[False],
        "add_article_claims_s": added[True] - added[False],
    } | commit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=DATA, help="ECB+ documents.jsonl (or any of that format)"
    )
    parser.add_argument("--status", type=Path, default=STATUS, help="the labelled status set")
    parser.add_argument("--json", type=Path, help="write the figures here as one flat JSON object")
    parser.add_argument(
        "--parts", default="alignment,status,citations,speed", help="which parts to run (comma-separated)"
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    os.environ.setdefault("STORYLINE_EMBEDDER", "minilm")
    minilm = MiniLMEmbedder()
    figures: dict[str, Any] = {}
    if "alignment" in parts:
        figures |= alignment_part(args.data)
    if "status" in parts:
        figures |= status_part(args.status, minilm)
    with tempfile.TemporaryDirectory() as folder:
        if "citations" in parts:
            figures |= citations_part(Path(folder), args.data, minilm)
        if "speed" in parts:
            figures |= speed_part(Path(folder), minilm)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


def alignment_part(data: Path) -> dict[str, Any]:
    found = alignment(data)
    ours: PairScores = found["ours"]
    event = aligned_labels(found["topics"], EVENT_PARAMS)
    sentences = eval_sentences(read_documents(data))
    pairs = pairs_of(sentences)
    key = [(s.doc, s.number) for s in sentences]
    event_scores = pair_scores(
        [key[a] in event and key[b] in event and event[key[a]] == event[key[b]] for a, b, _ in pairs], pairs
    )
    print(f"alignment pairs: {found['pairs']} ({found['positive_share']:.0%} positive)")
    print(f"alignment P/R/F1 (product parameters): {ours.precision:.3f} / {ours.recall:.3f} / {ours.f1:.3f}")
    print(
        f"alignment P/R/F1 (event-level parameters): {event_scores.precision:.3f} / "
        f"{event_scores.recall:.3f} / {event_scores.f1:.3f}"
    )
    baselines: dict[str, Any] = {}
    for name in ("tfidf", "minilm"):
        scores, threshold = found[name]
        print(
            f"baseline {name} cosine at its best threshold {threshold:.3f}: "
            f"P/R/F1 {scores.precision:.3f} / {scores.recall:.3f} / {scores.f1:.3f}"
        )
        baselines[name] = {
            "f1": scores.f1, "precision": scores.precision, "recall": scores.recall, "threshold": threshold
        }  # fmt: skip
    return {
        "alignment_f1": ours.f1,
        "alignment_precision": ours.precision,
        "alignment_recall": ours.recall,
        "alignment_f1_event_parameters": event_scores.f1,
        "alignment_precision_event_parameters": event_scores.precision,
        "alignment_recall_event_parameters": event_scores.recall,
        "alignment_pairs": found["pairs"],
        "baselines": baselines,
    }


def status_part(path: Path, embedder: Embedder) -> dict[str, Any]:
    tally = status_accuracy(path, embedder)
    status = tally.status_right / tally.groups
    figures: dict[str, Any] = {}
    print(f"status accuracy: {status:.3f} ({tally.status_right}/{tally.groups} labelled groups)")
    for name, (right, total) in sorted((tally.per_status or {}).items()):
        print(f"status accuracy {name}: {right}/{total}")
        figures[f"status_accuracy_{name.replace('-', '_')}"] = right / total
    print(f"origin count accuracy: {tally.origins_right / tally.groups:.3f}")
    print(f"labelled groups aligned exactly: {tally.aligned_right}/{tally.groups}")
    return figures | {
        "status_accuracy": status,
        "origin_accuracy": tally.origins_right / tally.groups,
        "status_groups": tally.groups,
        "status_aligned_exactly": tally.aligned_right / tally.groups,
    }


def citations_part(folder: Path, data: Path, embedder: Embedder) -> dict[str, Any]:
    resolved = total = 0
    for name, tracker in (
        ("ECB+", ecb_tracker(folder, read_documents(data))),
        ("seeds", seeds_tracker(folder, embedder)),
    ):
        with tracker:
            ok, count = citations_resolved(tracker)
        print(f"citations resolved on {name}: {ok}/{count}")
        resolved, total = resolved + ok, total + count
    return {"citations_resolved": resolved / total if total else 1.0}


def speed_part(folder: Path, embedder: Embedder) -> dict[str, Any]:
    timing = speed(folder, embedder)
    print(f"compare of a {timing['story_articles']}-article story: {timing['compare_s'] * 1000:.0f} ms")
    print(f"brief of a {timing['story_articles']}-article story: {timing['brief_s'] * 1000:.0f} ms")
    print(
        f"one article added (median of {ADDED}): {timing['add_article_s'] * 1000:.0f} ms with claims, "
        f"{timing['add_article_without_claims_s'] * 1000:.0f} ms without (baseline): "
        f"claims cost {timing['add_article_claims_s'] * 1000:.0f} ms"
    )
    print(
        "claim commit CPU on that story, least of 15: "
        + ", ".join(
            f"{name} {timing[key] * 1000:.1f} ms"
            for name, key in (
                ("read", "read_claims_cpu_s"),
                ("assign", "assign_cpu_s"),
                ("compare", "compare_cpu_s"),
            )
        )
    )
    return {f"speed_{k}": v for k, v in timing.items()}


if __name__ == "__main__":
    main()
