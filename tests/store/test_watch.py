"""The watched-source repository on both backends: a source's state comes back as it was saved,
and saving again replaces it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from storyline.store import Store
from storyline.store.records import WatchState

from .helpers import NOW


def test_a_sources_state_is_saved_replaced_and_listed(store: Store) -> None:
    state = WatchState(
        "https://harbour-wire.example/feed.xml",
        next_poll=NOW + timedelta(minutes=5),
        etag='W/"abc"',
        last_modified="Mon, 02 Mar 2026 08:00:00 GMT",
        last_success=NOW,
        last_attempt=NOW,
    )
    assert store.watch.get(state.source) is None
    with store.write():
        store.watch.save(state)
    assert store.watch.get(state.source) == state
    failed = replace(
        state, etag=None, last_modified=None, failures=2, last_error="HTTP 500", last_attempt=NOW
    )
    with store.write():
        store.watch.save(failed)
        store.watch.save(WatchState("/srv/drop", next_poll=NOW))
    assert store.watch.get(state.source) == failed
    assert [s.source for s in store.watch.sources()] == ["/srv/drop", state.source]
