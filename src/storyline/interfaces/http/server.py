"""``storyline serve``: the application on uvicorn, with its token chosen at start."""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Callable

import uvicorn

from storyline.interfaces.http.app import create_app
from storyline.interfaces.http.context import ServerContext

TOKEN_VARIABLE = "STORYLINE_TOKEN"
# A name for the token, recorded with the corrections made with it ('newsdesk'): a label, no secret.
TOKEN_NAME_VARIABLE = "STORYLINE_TOKEN_NAME"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(
    location: str,
    *,
    host: str,
    port: int,
    open_reads: bool | None,
    say: Callable[[str], None],
    watch_every: float | None = None,
) -> None:
    """Serve the store at ``location`` until interrupted. The token is ``$STORYLINE_TOKEN``, else a
    new random one, told through ``say``; corrections made with it are recorded under
    ``$STORYLINE_TOKEN_NAME``, else a short hash of it. Reads are open by default only on a
    loopback address, where only this machine's users reach them. ``watch_every`` (seconds) polls
    the watched sources in the server's own thread, one line per poll told through ``say``."""
    token = os.environ.get(TOKEN_VARIABLE) or secrets.token_urlsafe(24)
    if not os.environ.get(TOKEN_VARIABLE):
        say(f"write token (set ${TOKEN_VARIABLE} to choose one): {token}")
    reads_open = is_loopback(host) if open_reads is None else open_reads
    ctx = ServerContext.open(location, token, reads_open, os.environ.get(TOKEN_NAME_VARIABLE, ""))
    reads = "open" if reads_open else "need the token"
    say(f"serving {ctx.reader.store.location} on http://{host}:{port}/ (reads {reads})")
    say(f"corrections made with the token are recorded as by {ctx.token_name!r}")
    if watch_every is not None:
        ctx.watch_every = watch_every
        ctx.start_watching(say)
        say(f"polling the watched sources, each every {watch_every:g} s")
    uvicorn.run(create_app(ctx), host=host, port=port, log_level="warning", access_log=False)
