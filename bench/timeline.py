"""Score the story timeline's date selection on timeline-summarisation data, beside two baselines
in the same run.

    python bench/timeline.py [--data DIR] [--json OUT] [--store sqlite|postgresql]

``--data`` is a folder holding ``articles.jsonl`` (``id``, ``topic``, ``published``, ``title``,
``text``) and ``timelines.jsonl`` (``lang``, ``topic``, gold ``entries`` with a ``date`` each), as
``../shared/data/ml_crisis_tls`` (es/fr/it reports of four crises; its development copy holds
egypt and syria). Every article is ingested into a fresh store through the Tracker (stories and
entities off: the topic is the story here, and the timeline needs only the articles and their time
expressions); the product sees neither ids nor topics (each report gets an opaque id; a report's
own language is detected).

For each gold timeline, storyline selects as many days as the gold has from the timeline of the
topic's reports (``Timeline.key_dates``); its Date-F1 (the TLS literature's date-selection F1:
with as many days selected as gold, precision = recall = F1) is averaged over the timelines.
Baselines, same run, same count of days: the days most reports were published on, and the days
the reports' time expressions name most often (each mention counts).
``seconds_per_topic`` is the wall time of building one topic's timeline from the store.

Prints one ``name value`` per line and writes the figures as a flat JSON object, the baselines
under ``baselines``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from stores import BACKENDS, Backend, fresh_store
from storyline.tracker import Tracker

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "ml_crisis_tls"
DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "timeline.json"


def date_f1(selected: Sequence[str], gold: Sequence[str]) -> float:
    """Date-selection F1 of ``selected`` days against the ``gold`` days."""
    hits = len(set(selected) & set(gold))
    if not hits:
        return 0.0
    precision, recall = hits / len(set(selected)), hits / len(set(gold))
    return 2 * precision * recall / (precision + recall)


def most_common(counts: Counter[str], count: int) -> list[str]:
    """The ``count`` most frequent days (ties: the earlier day)."""
    return sorted(counts, key=lambda day: (-counts[day], day))[:count]


def run(data: Path, backend: Backend) -> dict[str, Any]:
    articles = [json.loads(line) for line in (data / "articles.jsonl").open(encoding="utf-8")]
    timelines = [json.loads(line) for line in (data / "timelines.jsonl").open(encoding="utf-8")]
    topics: dict[str, list[str]] = {}
    records = []
    for number, article in enumerate(articles):
        key = f"report-{number}"
        topics.setdefault(article["topic"], []).append(key)
        records.append(
            {
                "id": key,
                "title": article.get("title"),
                "text": article["text"],
                "published": article["published"],
            }
        )
    published = {f"report-{n}": a["published"] for n, a in enumerate(articles)}

    with (
        fresh_store(backend) as location,
        Tracker(location, assign_stories=False, extract_entities=False) as tracker,
    ):
        started = time.perf_counter()
        tracker.add(records)
        ingest_seconds = time.perf_counter() - started
        built: dict[str, Any] = {}
        mentioned: dict[str, Counter[str]] = {}
        started = time.perf_counter()
        for topic, keys in topics.items():
            built[topic] = tracker.articles_timeline(keys)
        seconds_per_topic = (time.perf_counter() - started) / len(topics)
        for topic, keys in topics.items():
            mentioned[topic] = Counter(
                e.expression.value[:10]
                for key in keys
                for view in [tracker.time_expressions(key)]
                if view is not None
                for e in view.expressions
                if e.expression.value and len(e.expression.value) == 10 and e.expression.value[4] == "-"
            )

    scores: dict[str, list[float]] = {"storyline": [], "publication_dates": [], "mentioned_dates": []}
    per_timeline = []
    for gold_timeline in timelines:
        topic = gold_timeline["topic"]
        if topic not in topics:
            continue
        gold = sorted({entry["date"] for entry in gold_timeline["entries"]})
        count = len(gold)
        selections = {
            "storyline": built[topic].timeline.key_dates(count),
            "publication_dates": most_common(Counter(published[k] for k in topics[topic]), count),
            "mentioned_dates": most_common(mentioned[topic], count),
        }
        row = {"lang": gold_timeline["lang"], "topic": topic, "dates": count}
        for name, selected in selections.items():
            scores[name].append(date_f1(selected, gold))
            row[name] = round(scores[name][-1], 4)
        per_timeline.append(row)

    def mean(values: list[float]) -> float:
        return round(sum(values) / len(values), 4) if values else 0.0

    return {
        "date_f1": mean(scores["storyline"]),
        "timelines": len(per_timeline),
        "seconds_per_topic": round(seconds_per_topic, 3),
        "ingest_seconds": round(ingest_seconds, 1),
        "per_timeline": per_timeline,
        "baselines": {
            "publication_dates": {"date_f1": mean(scores["publication_dates"])},
            "mentioned_dates": {"date_f1": mean(scores["mentioned_dates"])},
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    parser.add_argument("--store", choices=BACKENDS, default="sqlite")
    args = parser.parse_args()
    figures = run(args.data, args.store)
    for row in figures["per_timeline"]:
        print(
            f"# {row['lang']} {row['topic']} ({row['dates']} days): storyline {row['storyline']:.3f}"
            f"  publication {row['publication_dates']:.3f}  mentioned {row['mentioned_dates']:.3f}"
        )
    for name in ("date_f1", "timelines", "seconds_per_topic", "ingest_seconds"):
        print(f"{name} {figures[name]}")
    for baseline, values in figures["baselines"].items():
        print(f"baselines.{baseline}.date_f1 {values['date_f1']}")
    better = max(v["date_f1"] for v in figures["baselines"].values())
    print(
        f"ratio_to_better_baseline {figures['date_f1'] / better:.2f}"
        if better
        else "ratio_to_better_baseline -"
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
