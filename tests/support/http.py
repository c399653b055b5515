"""The HTTP app through its front door (FastAPI's TestClient), with the token the tests use."""

from __future__ import annotations

from fastapi.testclient import TestClient

from storyline.interfaces.http.app import create_app
from storyline.interfaces.http.context import MAX_RECORDS, ServerContext
from storyline.stories.embeddings import HashingEmbedder
from storyline.tracker import Tracker

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def api_client(location: str, *, open_reads: bool = True) -> TestClient:
    """A client of the app over ``location`` as ``storyline serve`` opens it."""
    return TestClient(create_app(ServerContext.open(location, TOKEN, open_reads)))


def fast_context(location: str, *, open_reads: bool = True, token_name: str = "") -> ServerContext:
    """The server's context over ``location`` with a writer that assigns stories with the hashing
    embedder and skips entities and claims: for tests of what the API writes, not of the stages."""
    return ServerContext(
        location,
        TOKEN,
        open_reads,
        Tracker(location, create=False),
        lambda: Tracker(
            location,
            batch_size=MAX_RECORDS,
            embedder=HashingEmbedder(),
            extract_entities=False,
            compare_sources=False,
        ),
        token_name,
    )


def fast_client(location: str, *, open_reads: bool = True, token_name: str = "") -> TestClient:
    return TestClient(create_app(fast_context(location, open_reads=open_reads, token_name=token_name)))
