"""What libraries say about an input, caught and turned into one line that can name the input.

warcio writes multi-line warnings straight to stderr; date libraries warn about time zones through
``warnings``. Left alone, both reach the user raw, without saying which input they are about, and
interleaved with our own output. Callers wrap a library call in `listening` and report what was
heard as a ``Notice`` or an article warning, one line each, with the locator in front.
"""

from __future__ import annotations

import contextlib
import io
import sys
import threading
import warnings
from collections.abc import Iterator
from typing import Any, TextIO

__all__ = ["listening", "one_line"]

# A library message is evidence for a reader, not a dump: long ones are cut.
MAX_MESSAGE_CHARS = 300
# Says whose words these are: a reader should not take them for storyline's own judgement.
PREFIX = "library warning: "


@contextlib.contextmanager
def listening(heard: list[str]) -> Iterator[None]:
    """Collect, as single prefixed lines in ``heard``, the warnings and stderr output of the call.

    Wrap only synchronous calls, never a ``yield``: stderr stays redirected until the block ends,
    and a generator suspended inside it would silence whatever its caller writes meanwhile. Only
    this thread's writes are caught; other threads (a progress bar refreshing on stderr) write
    through as before.
    """
    stderr = io.StringIO()
    own = _ThreadStderr(sys.stderr, stderr)
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stderr(own):
        warnings.simplefilter("always")
        yield
    said = [one_line(str(warning.message)) for warning in caught]
    said.append(one_line(stderr.getvalue()))
    lines = [f"{PREFIX}{message}" for message in said if message]
    # The same warning repeated for every record says nothing more than once.
    heard.extend(line for line in dict.fromkeys(lines) if line not in heard)


class _ThreadStderr:
    """stderr for the thread that made it goes to ``caught``; every other thread's goes through."""

    def __init__(self, original: TextIO, caught: io.StringIO) -> None:
        self._original = original
        self._caught = caught
        self._thread = threading.get_ident()

    def write(self, text: str) -> int:
        if threading.get_ident() == self._thread:
            return self._caught.write(text)
        return self._original.write(text)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, encoding…: the real stream's
        return getattr(self._original, name)


def one_line(message: str) -> str:
    """Whitespace (newlines included) collapsed, and cut to a readable length."""
    text = " ".join(message.split())
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 1] + "…"
