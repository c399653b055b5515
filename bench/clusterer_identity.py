"""Check that a refactor left story assignment unchanged: digests of what the clusterer decides.

    .venv/bin/python bench/clusterer_identity.py [--uci-limit 20000] [--write-reference] [--json OUT]

Three runs, each reduced to SHA-256 digests (no news text is kept, only digests and counts):

- ``ecbplus-direct`` and ``uci-<limit>-direct``: the development streams in file order through
  ``StoryClusterer`` alone, in batches of 4096; the digests cover every arrival's assignment, every
  merge and split in order, every article's final story, and every live story's label, key terms
  and size.
- ``ecbplus-tracker``: ECB+ through ``Tracker.add`` into a fresh SQLite store, as a user feeds it;
  the digests cover the exported assignments and the story list (labels, key terms, counts).

Scores are digested apart (``scores``): they are floats, and a refactor that sums in another order
may move their last bits without changing any decision. So are the stories' first and last seen
(``seen``), which fall back to the ingest time for a story with no dated report.

The first run on a commit is written with ``--write-reference`` to
``bench/reference/clusterer_identity.json``; every later run prints, per digest, ``same`` or
``DIFFERENT`` against it and exits 1 on any difference in decisions or labels.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from fit_stories import cached_embedder, load_stream, to_inputs, without_gold
from storyline.stories import StoryClusterer, StoryMerge
from storyline.tracker import Tracker

HERE = Path(__file__).resolve().parent
REFERENCE = HERE / "reference" / "clusterer_identity.json"
RESULTS = HERE / "results"


def _digest(rows: Iterable[Any]) -> str:
    h = hashlib.sha256()
    for row in rows:
        h.update(json.dumps(row, sort_keys=True, ensure_ascii=False).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def direct_digests(dataset: str, limit: int | None) -> dict[str, Any]:
    records = load_stream(dataset, limit)
    inputs = to_inputs(records)
    embedder = cached_embedder(dataset)
    clusterer = StoryClusterer(None, embedder)
    arrivals: list[list[Any]] = []
    changes: list[list[Any]] = []
    scores: list[float] = []
    for start in range(0, len(inputs), 4096):
        assignments, batch_changes = clusterer.add(inputs[start : start + 4096])
        arrivals.extend([a.article_id, a.story_id, a.created] for a in assignments)
        scores.extend(a.score for a in assignments)
        for change in batch_changes:
            if isinstance(change, StoryMerge):
                changes.append(["merge", change.absorbed, change.into, change.reason, change.after_article])
            else:
                changes.append(
                    [
                        "split",
                        change.story_id,
                        change.new_story_id,
                        list(change.article_ids),
                        change.after_article,
                    ]
                )
            scores.append(change.score)
    final = [[item.article_id, clusterer.story_of(item.article_id)] for item in inputs]
    live = sorted({story for _, story in final if story is not None})
    labels = []
    for story_id in live:
        label = clusterer.label(story_id)
        labels.append([label.story_id, label.headline, list(label.key_terms), label.size])
    return {
        "articles": len(inputs),
        "stories": len(live),
        "changes": len(changes),
        "digests": {
            "arrivals": _digest(arrivals),
            "changes": _digest(changes),
            "final": _digest(final),
            "labels": _digest(labels),
        },
        "scores": _digest(repr(s) for s in scores),
        "state": hashlib.sha256(clusterer.dump_state()).hexdigest(),
    }


def tracker_digests(dataset: str) -> dict[str, Any]:
    records = [without_gold(r) for r in load_stream(dataset)]
    with (
        tempfile.TemporaryDirectory() as tmp,
        Tracker(Path(tmp) / "identity.db", embedder=cached_embedder(dataset)) as tracker,
    ):
        tracker.add(records)
        assignments = sorted((r.article_id, r.story_id) for r in tracker.export_assignments())
        stories = [
            [
                s.id,
                s.label,
                list(s.key_terms),
                s.article_count,
                s.outlet_count,
            ]
            for s in sorted(tracker.stories(), key=lambda s: s.id)
        ]
        # First and last seen fall back to the ingest time for a story with no dated report: kept
        # apart, as informative, since that time differs from run to run.
        seen = [
            [
                s.id,
                s.first_seen.isoformat() if s.first_seen else None,
                s.last_seen.isoformat() if s.last_seen else None,
            ]
            for s in sorted(tracker.stories(), key=lambda s: s.id)
        ]
    return {
        "articles": len(assignments),
        "stories": len(stories),
        "digests": {"assignments": _digest(assignments), "stories": _digest(stories)},
        "seen": _digest(seen),
    }


def compare(name: str, ours: dict[str, Any], reference: dict[str, Any] | None) -> bool:
    """Print one line per digest; True when every decision and label digest matches."""
    same = True
    for key, value in ours["digests"].items():
        expected = None if reference is None else reference["digests"].get(key)
        verdict = "no reference" if expected is None else ("same" if expected == value else "DIFFERENT")
        same &= expected is None or expected == value
        print(f"{name} {key}: {verdict}")
    for key in ("scores", "state", "seen"):
        if key in ours:
            expected = None if reference is None else reference.get(key)
            verdict = (
                "no reference" if expected is None else ("same" if expected == ours[key] else "different")
            )
            print(f"{name} {key} (informative): {verdict}")
    print(f"{name} articles: {ours['articles']}, stories: {ours['stories']}")
    return same


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--uci-limit", type=int, default=20000)
    parser.add_argument("--write-reference", action="store_true")
    parser.add_argument("--json", type=Path, default=RESULTS / "clusterer_identity.json")
    args = parser.parse_args(argv)

    runs = {
        "ecbplus-direct": direct_digests("ecbplus", None),
        f"uci-{args.uci_limit}-direct": direct_digests("uci", args.uci_limit),
        "ecbplus-tracker": tracker_digests("ecbplus"),
    }
    reference = json.loads(REFERENCE.read_text("utf-8")) if REFERENCE.exists() else {}
    same = all([compare(name, ours, reference.get(name)) for name, ours in runs.items()])
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"identical": same, "runs": runs}, indent=2) + "\n", "utf-8")
    if args.write_reference:
        REFERENCE.parent.mkdir(parents=True, exist_ok=True)
        REFERENCE.write_text(json.dumps(runs, indent=2, sort_keys=True) + "\n", "utf-8")
        print(f"wrote {REFERENCE}")
    print(f"identical: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
