"""``storyline`` as a process of its own, for what only a real process shows: signals, terminals,
file descriptors, and file permissions as an ordinary user meets them."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import threading

from storyline.tracker import EMBEDDER_VARIABLE

# prctl(2): drop a capability from the bounding set, which an exec'd program's capabilities are cut to.
_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE = 1


def storyline_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "storyline", *args]


def environment() -> dict[str, str]:
    """This process's environment with the hashing embedder (no model to load) and a wide terminal."""
    return {**os.environ, EMBEDDER_VARIABLE: "hashing", "COLUMNS": "200"}


def as_ordinary_user() -> None:
    """For ``preexec_fn``: a child of root gives up overriding file permissions (CAP_DAC_OVERRIDE),
    so that a read-only folder binds it as it binds any user. A child of any other user has
    nothing to give up."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_CAPBSET_DROP, _CAP_DAC_OVERRIDE, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def first_line_with(process: subprocess.Popen[str], text: str, within: float) -> str | None:
    """The first line of the process's stderr holding ``text``, read for at most ``within`` seconds
    (a reader thread, so that a process that never says it cannot hang the test)."""
    found: list[str] = []

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            if text in line:
                found.append(line)
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(within)
    if not found:
        process.kill()
    return found[0] if found else None
