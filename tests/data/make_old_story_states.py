"""Writes the story states that old commits' clusterers saved, for ``tests/stories/test_state.py``:
stores on disk carry such states, and they must still load.

Run it with the ``src`` of the commit on the path; the invented reports come from this checkout
(``tests/support``), the embedder is today's ``HashingEmbedder`` (loaded from this checkout's file,
since old commits have none)::

    git archive <commit> src | tar -x -C /tmp/storyline-<commit>
    PYTHONPATH=/tmp/storyline-<commit>/src python tests/data/make_old_story_states.py <commit>

- ``c29e73c``: before label candidates were flagged as titles (9ea2254) and stories as holding a full
  text (9d4b68d); one story of two reports.
- ``319a04a``: before stories kept their members for splitting (25ed3d3); one story of four reports.
- ``89dd906``: the clusterer before it was split into parts (one module); a full state and the two
  change records written after it, over ``support.stories.split_test_params``.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))  # for tests.support; ``storyline`` comes from the old commit


def hashing_embedder() -> Any:
    path = REPO / "src" / "storyline" / "stories" / "embeddings.py"
    spec = importlib.util.spec_from_file_location("todays_embeddings", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.HashingEmbedder()


def one_story_params() -> Any:
    """Every report joins the first story, nothing merges: these states are about the format. Only
    fields every old commit has."""
    from storyline.stories import RegimeParams, StoryParams

    regime = RegimeParams(
        w_dense=1.0,
        w_terms=0.0,
        w_names=0.0,
        w_numbers=0.0,
        threshold=-99.0,
        merge_threshold=99.0,
        bridge_threshold=99.0,
        bridge_margin=0.0,
        cold_days=3.0,
        cold_penalty_per_day=0.0,
        max_cold_penalty=0.0,
    )
    regimes = {f.name for f in fields(StoryParams)} & {"headline", "full_text", "mixed"}
    changes: dict[str, Any] = dict.fromkeys(regimes, regime)
    return replace(StoryParams.load(), **changes)


def main(commit: str) -> None:
    from tests.support.texts import QUAKE_A, QUAKE_A_FOLLOW, QUAKE_B, QUAKE_B_FOLLOW

    from storyline.stories import StoryClusterer, StoryInput

    embedder = hashing_embedder()
    out = HERE / f"story-state-{commit}"
    if commit == "c29e73c":
        clusterer = StoryClusterer(one_story_params(), embedder)
        clusterer.add([StoryInput(1, None, QUAKE_A), StoryInput(2, "Ridgeford survivors", QUAKE_A_FOLLOW)])
        out.with_suffix(".bin").write_bytes(clusterer.dump_state())
    elif commit == "319a04a":
        clusterer = StoryClusterer(one_story_params(), embedder)
        reports = (QUAKE_A, QUAKE_B, QUAKE_A_FOLLOW, QUAKE_B_FOLLOW)  # two_quakes_interleaved()[:4]
        clusterer.add([StoryInput(i, None, text) for i, text in enumerate(reports, start=1)])
        out.with_suffix(".bin").write_bytes(clusterer.dump_state())
    elif commit == "89dd906":
        # Today's support module imports at this commit: its parameters and streams were the same.
        from tests.support.stories import split_test_params, splitting_batches

        clusterer = StoryClusterer(split_test_params(), embedder)
        first, second, third, _ = splitting_batches()
        clusterer.add(first)
        out.with_suffix(".bin").write_bytes(clusterer.dump_state())
        for i, batch in enumerate((second, third), start=1):
            clusterer.add(batch)
            out.with_suffix(f".changes-{i}.bin").write_bytes(clusterer.dump_changes())
    else:
        raise SystemExit(f"no state is made at {commit}")


if __name__ == "__main__":
    main(sys.argv[1])
