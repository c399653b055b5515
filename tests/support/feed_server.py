"""A feed server on loopback for the watcher's tests: a threaded ``http.server`` whose replies a
test changes between polls (a new entry, a 500, a slow answer, an answer held back until the test
lets it go, broken XML), answering 304 to a request that carries the ETag of the reply it would
send, and recording every request."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

# The longest a gate holds a reply: a watcher that never lets the test go on fails it, not hangs it.
GATE_LIMIT = 60.0


class Gate:
    """Holds a reply back until the test ``opened`` it: ``reached`` tells that a request is being
    held, ``expired`` that the test never let it go (within ``GATE_LIMIT``)."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.opened = threading.Event()
        self.expired = threading.Event()

    def hold(self) -> None:
        self.reached.set()
        if not self.opened.wait(GATE_LIMIT):
            self.expired.set()


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # seconds to wait before answering
    gate: Gate | None = None  # held back until the test opens it


@dataclass(frozen=True)
class Request:
    path: str
    if_none_match: str | None
    if_modified_since: str | None


class FeedServer:
    """``replies`` per path (a path with none answers 404); ``requests`` as they came."""

    def __init__(self, server: ThreadingHTTPServer) -> None:
        self._server = server
        self.replies: dict[str, Reply] = {}
        self.requests: list[Request] = []

    def url(self, path: str) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{path}"


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    holder: list[FeedServer] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served = holder[0]
            served.requests.append(
                Request(self.path, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since"))
            )
            reply = served.replies.get(self.path, Reply(status=404))
            time.sleep(reply.delay)
            if reply.gate is not None:
                reply.gate.hold()
            if reply.etag is not None and self.headers.get("If-None-Match") == reply.etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(reply.body)))
            if reply.etag is not None:
                self.send_header("ETag", reply.etag)
            if reply.last_modified is not None:
                self.send_header("Last-Modified", reply.last_modified)
            self.end_headers()
            with suppress(ConnectionError):  # a client that timed out has gone
                self.wfile.write(reply.body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the tests read ``requests``."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder.append(FeedServer(server))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield holder[0]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def rss(entries: Sequence[tuple[str, str, str, datetime]]) -> bytes:
    """An RSS 2.0 feed of (guid, title, text, published) entries."""
    items = "".join(
        f"<item><guid>{escape(guid)}</guid><title>{escape(title)}</title>"
        f"<description>{escape(text)}</description><pubDate>{format_datetime(published)}</pubDate></item>"
        for guid, title, text, published in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Harbour Wire</title>'
        f"<link>https://harbour-wire.example/</link>{items}</channel></rss>"
    ).encode()


class FakeClock:
    """A clock a test moves by hand: the watcher waits without anyone sleeping."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now = datetime.fromtimestamp(self.now.timestamp() + seconds, tz=self.now.tzinfo)
