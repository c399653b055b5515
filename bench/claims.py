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
100-article story, and adding one article to it (CPU time, this process). Prints one figure per line.
"""

from __future__ import annotations

import itertools
import json
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer

from storyline.claims.align import DEFAULT_PARAMS, Aligned, AlignParams, group_claims
from storyline.claims.extract import extract_claims
from storyline.entities import NameTagger
from storyline.entities.resolution import resolve_report
from storyline.entities.tagger import sentence_of
from storyline.models import Article, MetaValue, Origin, PublishedTime, Sentence, Span
from storyline.stories.embeddings import Embedder, MiniLMEmbedder

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "ecbplus" / "documents.jsonl"
STATUS = ROOT / "bench" / "data" / "claims_status.jsonl"
SEEDS = ROOT.parent / "shared" / "seeds"


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
    from storyline.tracker import Tracker

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


def citations_resolved(tracker: Any) -> tuple[int, int]:
    """(resolved, total) over every story's claim-group members and brief citations: a citation
    resolves when the stored article's text at its offsets is the claim's (a brief sentence's first
    citation: the sentence's own text)."""
    resolved = total = 0
    for story in tracker.stories():
        comparison = tracker.compare(story.id)
        brief = tracker.brief(story.id)
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
