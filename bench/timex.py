"""Score storyline's time expressions on TimeML data, beside a plain ``dateparser.search`` in the
same run.

    python bench/timex.py [--data FILE] [--json OUT] [--errors FILE]

``--data`` is a JSONL file of documents with ``text``, ``dct`` (the document creation time, a
TIMEX3 value) and gold ``timexes`` (``start``, ``end``, ``type``, ``value``), as in
``../shared/data/tempeval3_tbaq/documents.jsonl`` (the TimeBank part of TempEval-3's TBAQ). Each
document's ``dct`` is its published time: a system resolves relative expressions against it.

Figures, TempEval-3's definitions (UzZaman et al. 2013): a system span and a gold span match
*strictly* when their extents are equal and *relaxed* when they overlap, each span matched at most
once (gold spans in order, each to the unmatched system span it overlaps most); precision is
matches over system spans, recall matches over gold spans, F1 their harmonic mean. ``value_f1``
counts relaxed matches whose TIMEX3 value is exactly the gold one (= relaxed F1 x value accuracy).
``words_per_s`` is whitespace words of the documents over the CPU seconds the tagger took on
sentences already segmented (the stage's own work: segmentation is the article builder's), after
one warm-up pass; the machine's other work does not count against it.

The baseline is ``dateparser.search.search_dates`` with the document's ``dct`` as
``RELATIVE_BASE``: each hit is a DATE whose value is the day it returns. ``--errors`` writes every
miss, false alarm and wrong value (with its context) as JSONL, for error analysis.

Prints one ``name value`` per line (the baseline's as ``baselines.dateparser_search.<name>``) and
writes the figures as a flat JSON object, the baseline's under ``baselines``.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from storyline.ingest.segment import segment
from storyline.models import Sentence
from storyline.timex import tag

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "tempeval3_tbaq" / "documents.jsonl"
DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "timex.json"


@dataclass(frozen=True, slots=True)
class Span:
    """A time expression, gold or found: its extent in the document's text and its value."""

    start: int
    end: int
    type: str
    value: str | None
    text: str = ""
    rule: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    text: str
    published: datetime
    gold: tuple[Span, ...]
    sentences: tuple[Sentence, ...]

    @property
    def words(self) -> int:
        return len(self.text.split())


Tagger = Callable[[Document], list[Span]]


def published_time(dct: str) -> datetime:
    """A TIMEX3 document time ('1998-01-08', '1990-08-15T13:37') as the report's wall time."""
    return datetime.fromisoformat(dct)


def load(path: Path) -> list[Document]:
    documents = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            text = record["text"]
            gold = tuple(
                Span(t["start"], t["end"], t["type"], t["value"], text[t["start"] : t["end"]])
                for t in record["timexes"]
            )
            _, sentences = segment(text)
            documents.append(Document(record["id"], text, published_time(record["dct"]), gold, sentences))
    return documents


def storyline_tagger(document: Document) -> list[Span]:
    return [
        Span(e.start, e.end, e.type.value, e.value, e.text, e.rule)
        for e in tag(document.text, document.sentences, "en", document.published)
    ]


def dateparser_tagger(document: Document) -> list[Span]:
    """``search_dates`` over the text; each hit located after the previous one."""
    from dateparser.search import search_dates

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dateparser's own deprecation noise
        found = search_dates(
            document.text,
            languages=["en"],
            settings={"RELATIVE_BASE": document.published, "RETURN_AS_TIMEZONE_AWARE": False},
        )
    spans = []
    cursor = 0
    for text, when in found or []:
        start = document.text.find(text, cursor)
        if start < 0:
            continue
        cursor = start + len(text)
        spans.append(Span(start, cursor, "DATE", when.date().isoformat(), text, "dateparser"))
    return spans


@dataclass
class Tally:
    system: int = 0
    gold: int = 0
    strict: int = 0
    relaxed: int = 0
    value: int = 0

    def figures(self) -> dict[str, float]:
        figures: dict[str, float] = {}
        for name, matched in (("strict", self.strict), ("relaxed", self.relaxed), ("value", self.value)):
            precision = matched / self.system if self.system else 0.0
            recall = matched / self.gold if self.gold else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            figures |= {f"{name}_precision": precision, f"{name}_recall": recall, f"{name}_f1": f1}
        return figures


def match(gold: Iterable[Span], found: list[Span]) -> Iterator[tuple[Span | None, Span | None]]:
    """Pairs (gold, found) one to one by overlap; (gold, None) a miss, (None, found) a false alarm."""
    free = list(found)
    for g in gold:
        best = max(free, key=lambda f: min(f.end, g.end) - max(f.start, g.start), default=None)
        if best is not None and min(best.end, g.end) > max(best.start, g.start):
            free.remove(best)
            yield g, best
        else:
            yield g, None
    for f in free:
        yield None, f


def score(documents: list[Document], tagger: Tagger) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """Figures over all documents, and the errors (misses, false alarms, wrong values)."""
    tally = Tally()
    errors: list[dict[str, Any]] = []
    for _ in documents[:10]:  # warm-up: compiled patterns and caches, not per-word work
        tagger(_)
    spent = 0.0
    for document in documents:
        start = time.process_time()
        found = tagger(document)
        spent += time.process_time() - start
        tally.system += len(found)
        tally.gold += len(document.gold)
        for g, f in match(document.gold, found):
            if g is not None and f is not None:
                tally.relaxed += 1
                tally.strict += (g.start, g.end) == (f.start, f.end)
                tally.value += g.value == f.value
            if g is None or f is None or g.value != f.value:
                errors.append(_error(document, g, f))
    figures = tally.figures()
    words = sum(d.words for d in documents)
    figures |= {"words": float(words), "expressions": float(tally.gold), "words_per_s": words / spent}
    return figures, errors


def _error(document: Document, gold: Span | None, found: Span | None) -> dict[str, Any]:
    kind = "miss" if found is None else "false alarm" if gold is None else "value"
    anchor = gold or found
    assert anchor is not None
    context = document.text[max(0, anchor.start - 60) : anchor.end + 40].replace("\n", " ")
    return {
        "kind": kind,
        "document": document.id,
        "published": document.published.isoformat(),
        "gold": None if gold is None else {"text": gold.text, "type": gold.type, "value": gold.value},
        "found": None
        if found is None
        else {"text": found.text, "type": found.type, "value": found.value, "rule": found.rule},
        "context": context,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="TimeML documents as JSONL")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write the figures")
    parser.add_argument("--errors", type=Path, help="write storyline's errors here (JSONL)")
    args = parser.parse_args(argv)
    documents = load(args.data)
    figures, errors = score(documents, storyline_tagger)
    baseline, _ = score(documents, dateparser_tagger)
    for name, value in figures.items():
        print(f"{name} {value:.4f}")
    for name, value in baseline.items():
        print(f"baselines.dateparser_search.{name} {value:.4f}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps({**figures, "baselines": {"dateparser_search": baseline}}, indent=2, sort_keys=True)
        + "\n",
        encoding="utf-8",
    )
    if args.errors:
        args.errors.write_text("".join(json.dumps(e) + "\n" for e in errors), encoding="utf-8")


if __name__ == "__main__":
    main()
