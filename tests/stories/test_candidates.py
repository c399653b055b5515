"""Candidate stories: the newest searched exactly, older ones through the ANN index they enter when
they leave the recent window."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from storyline.stories import StoryState
from storyline.stories.candidates import CandidateIndex, Postings
from storyline.stories.features import TermBag

from ..support.stories import PARAMS

NO_TERMS = TermBag(np.zeros(0, np.int32), np.zeros(0, np.float32))


def test_a_story_enters_the_ann_index_when_it_leaves_the_recent_window() -> None:
    params = replace(PARAMS, recent_window=2)
    state = StoryState.empty(params, dim=3)
    stories = state.stories
    index = CandidateIndex(params, stories, state.postings)
    idf = state.vocabulary.idf()
    for axis in range(3):
        sid = stories.new_story()
        index.story_created(sid)
        stories.set_centroid(sid, np.eye(3, dtype=np.float32)[axis])
        stories.size[sid] = 1
        index.sync(sid)
        # Both first stories are among the two newest until the third arrives.
        assert index.indexed_count == (1 if sid == 3 else 0)
    # Story 1 is no longer searched exactly: only the index finds it.
    assert 1 in index.find(np.array([1.0, 0.0, 0.0], np.float32), NO_TERMS, idf).tolist()
    # A loaded state has no index stored: one is built from the centroids, the same.
    assert CandidateIndex(params, stories, state.postings).indexed_count == 1


def test_a_posting_list_keeps_the_newest_stories_listed_under_a_term() -> None:
    postings = Postings()
    assert postings.post(1, [7, 8], cap=2) == [7, 8]
    assert postings.post(1, [7], cap=2) == []  # already listed last
    for sid in range(2, 6):
        postings.post(sid, [7], cap=2)
    assert postings.lists[7].tolist() == [4, 5]  # cut back to ``cap`` once it held more than 2 x cap
