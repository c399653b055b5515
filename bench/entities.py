"""Entities against ECB+'s gold cross-document chains of name mentions.

    python bench/entities.py [--data ../shared/data/ecbplus/documents.jsonl] [--model PACKAGE]
                             [--json bench/results/entities.json]

Gold: the HUMAN_PART_* and LOC_* mentions of the selected sentences whose text holds a capitalised
word other than a function word (a name, not a pronoun or 'the actress'), each in its chain (a
mention without one is a chain of its own). The documents go through the product as it runs: each
is stored, put in its gold story (so the figure measures entities, not story clustering), tagged
and resolved by ``EntityStage`` in one batch, and read back from the store. Within each gold story,
a gold mention takes the entity of the system mention that overlaps it most, or is a singleton when
none does; B-cubed P/R/F1 over all gold mentions (clusters never cross stories). Beside it, in the
same run: an exact-string baseline (gold mentions with the same text, case-folded, are one entity)
and a last-word baseline (the same last word). Tagging and resolution costs are printed per
article (CPU), and the cost of tagging only the first 600 and 3,000 characters of each text (what
a story-clustering feature would pay). Prints one figure per line.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from clustering_metrics import ClusteringScores, score_clustering
from storyline.entities import EntityStage, NameTagger
from storyline.entities.tagger import MODEL_PACKAGE
from storyline.models import Article, MetaValue, NewArticle, Origin, PublishedTime, Sentence, Span, StoryEvent
from storyline.store import Store, open_store

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ecbplus" / "documents.jsonl"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
PREFIXES = (600, 3000)
FUNCTION_WORDS = {"the", "a", "an", "at", "in", "of", "on", "to", "from", "for", "by", "with", "and"}
PRONOUNS = {
    "he", "she", "it", "they", "him", "her", "them", "his", "hers", "its", "their", "theirs", "who",
    "whom", "whose", "which", "that", "i", "we", "you", "me", "us", "our", "my", "your", "this",
    "these", "those", "himself", "herself", "itself", "themselves", "one",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class GoldMention:
    doc: str
    story: str
    chain: str
    text: str
    start: int
    end: int


def is_name(text: str) -> bool:
    """A capitalised word that is not a function word, and not a pronoun alone."""
    return text.lower() not in PRONOUNS and any(
        w[:1].isupper() and w.lower() not in FUNCTION_WORDS for w in text.split()
    )


def text_of(doc: dict[str, Any]) -> str:
    """The text the bench stores: an ecbplus document's headline (a sentence the gold annotates)
    as its first line, then the body."""
    return f"{doc['title']}\n{doc['text']}" if doc["title"] else str(doc["text"])


def sentence_spans(doc: dict[str, Any]) -> dict[int, tuple[int, int]]:
    """Where each sentence is in ``text_of(doc)`` (an ecbplus document's URL line is not)."""
    spans: dict[int, tuple[int, int]] = {}
    cursor = 0
    text = text_of(doc)
    for sentence in doc["sentences"]:
        found = text.find(sentence["text"], cursor)
        if found >= 0:
            spans[sentence["n"]] = (found, found + len(sentence["text"]))
            cursor = found + len(sentence["text"])
    return spans


def gold_mentions(doc: dict[str, Any]) -> list[GoldMention]:
    spans = sentence_spans(doc)
    selected = set(doc["selected_sentences"])
    wanted = [
        m
        for m in doc["mentions"]
        if m["type"].startswith(("HUMAN_PART", "LOC"))
        and m["sentence"] in selected
        and m["sentence"] in spans
        and is_name(m["text"])
    ]
    # The k-th gold mention of a text in a sentence (by token) is its k-th occurrence there.
    by_text: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for m in wanted:
        by_text[m["sentence"], m["text"]].append(m)
    out = []
    for (n, text), group in by_text.items():
        start, end = spans[n]
        occurrences = [start + o.start() for o in re.finditer(re.escape(text), text_of(doc)[start:end])]
        for k, m in enumerate(sorted(group, key=lambda m: m["token_ids"][0])):
            if occurrences:
                at = occurrences[min(k, len(occurrences) - 1)]
                chain = m["chain"] or f"{doc['id']}/{m['m_id']}"
                out.append(GoldMention(doc["id"], doc["story"], chain, text, at, at + len(text)))
    return out


def article_of(doc: dict[str, Any]) -> Article:
    """The document as a stored article: ``text_of(doc)`` (so gold offsets hold), one sentence
    per line."""
    text = text_of(doc)
    sentences, start = [], 0
    for line in text.split("\n"):
        sentences.append(Sentence(0, start, start + len(line)))
        start += len(line) + 1
    missing = MetaValue.missing()
    return Article(
        external_id=doc["id"],
        locator=doc["id"],
        raw_sha256=doc["id"],
        text=text,
        title=missing,
        outlet=missing,
        url=missing,
        author=missing,
        language=MetaValue("en", Origin.SUPPLIED),
        published=PublishedTime.unknown(),
        paragraphs=(Span(0, len(text)),),
        sentences=tuple(sentences),
    )


class _Batch:
    """The ``BatchContext`` the stage is handed."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.now = NOW

    def warn(self, article_id: int, message: str) -> None:
        raise RuntimeError(f"article {article_id}: {message}")

    def publish(self, events: Sequence[StoryEvent]) -> None:
        pass


def system_entities(
    docs: list[dict[str, Any]], stage: EntityStage, store: Store
) -> tuple[dict[str, list[tuple[int, int, int]]], float, float]:
    """(start, end, entity id) of every system mention per document, and the CPU seconds of
    tagging and of storing and resolving."""
    stories = {story: i for i, story in enumerate(sorted({d["story"] for d in docs}), start=1)}
    articles = [article_of(d) for d in docs]
    with store.write():
        ids = [store.articles.insert(a, NOW) for a in articles]
        store.stories.assign([(i, stories[d["story"]], 1.0) for i, d in zip(ids, docs, strict=True)])
    tag_start = time.process_time()
    prepared = stage.prepare(articles, store)
    tag_cpu = time.process_time() - tag_start
    resolve_start = time.process_time()
    with store.write():
        stage.begin(store)
        stage.commit(
            [(NewArticle(i, a), p) for i, a, p in zip(ids, articles, prepared, strict=True)], _Batch(store)
        )
    resolve_cpu = time.process_time() - resolve_start
    found = {
        d["id"]: [(m.start, m.end, e) for m, e in store.entities.article_entities(i) if e is not None]
        for i, d in zip(ids, docs, strict=True)
    }
    return found, tag_cpu, resolve_cpu


def best_overlap(gold: GoldMention, system: list[tuple[int, int, int]]) -> int | None:
    overlaps = [(min(gold.end, e) - max(gold.start, s), -s, entity) for s, e, entity in system]
    best = max((o for o in overlaps if o[0] > 0), default=None)
    return best[2] if best else None


def score(gold: list[GoldMention], label: dict[GoldMention, Hashable]) -> ClusteringScores:
    return score_clustering({g: (g.story, g.chain) for g in gold}, {g: (g.story, label[g]) for g in gold})


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--model", default=MODEL_PACKAGE, help="the spaCy model package to tag with")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    docs = [json.loads(line) for line in args.data.open()]
    gold = [g for d in docs for g in gold_mentions(d)]
    stage = EntityStage(NameTagger(args.model))
    load_start = time.process_time()
    stage.warm_up()
    load_cpu = time.process_time() - load_start
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "entities.db") as store:
        system, tag_cpu, resolve_cpu = system_entities(docs, stage, store)
    found = {g: best_overlap(g, system[g.doc]) for g in gold}
    ours = score(gold, {g: ("entity", e) if e is not None else ("alone", g) for g, e in found.items()})
    exact = score(gold, {g: g.text.casefold() for g in gold})
    last_word = score(gold, {g: g.text.split()[-1] for g in gold})
    words = sum(len(text_of(d).split()) for d in docs)
    figures: dict[str, Any] = {
        "bcubed_precision": round(ours.bcubed_precision, 4),
        "bcubed_recall": round(ours.bcubed_recall, 4),
        "bcubed_f1": round(ours.bcubed_f1, 4),
        "gold_mentions": len(gold),
        "gold_mentions_found": sum(e is not None for e in found.values()),
        "documents": len(docs),
        "model": args.model,
        "model_load_cpu_seconds": round(load_cpu, 2),
        "tag_ms_per_article": round(1000 * tag_cpu / len(docs), 2),
        "tag_words_per_cpu_second": round(words / tag_cpu),
        "resolve_ms_per_article": round(1000 * resolve_cpu / len(docs), 2),
    }
    # What the tagger would cost the story clusterer, which reads the first 600 characters of a
    # report (its embedded text) and could read more: tagging only a prefix of each text.
    for chars in PREFIXES:
        start = time.process_time()
        NameTagger(args.model).tag([text_of(d)[:chars] for d in docs])
        figures[f"tag_ms_per_article_first_{chars}_chars"] = round(
            1000 * (time.process_time() - start) / len(docs), 2
        )
    for name, value in figures.items():
        print(f"{name} {value}")
    baselines = {
        "exact_string": {k: round(getattr(exact, f"bcubed_{k}"), 4) for k in ("precision", "recall", "f1")},
        "last_word": {k: round(getattr(last_word, f"bcubed_{k}"), 4) for k in ("precision", "recall", "f1")},
    }
    for name, values in baselines.items():
        for k, v in values.items():
            print(f"baseline_{name}_bcubed_{k} {v}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({**figures, "baselines": baselines}, indent=2))


if __name__ == "__main__":
    main()
