"""``storyline serve`` as a real process on a loopback port, for the HTTP and browser tests."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from .processes import environment, storyline_command

TOKEN = "test-token-not-secret"


@dataclass(frozen=True)
class RunningServer:
    url: str
    token: str
    process: subprocess.Popen[str]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(location: str, *, token: str | None = TOKEN, within: float = 180.0) -> Iterator[RunningServer]:
    """The server over ``location`` until the block ends; ``token`` None lets it make one."""
    port = free_port()
    env = environment()
    env.pop("STORYLINE_TOKEN", None)
    if token is not None:
        env["STORYLINE_TOKEN"] = token
    process = subprocess.Popen(
        storyline_command("serve", "--db", location, "--port", str(port)),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + within
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"storyline serve exited: {process.stderr.read() if process.stderr else ''}"
                )
            try:
                httpx.get(f"{url}/api/runs", timeout=30.0)
                break
            except httpx.TransportError:  # not listening yet (or, on a loaded machine, slow to answer)
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield RunningServer(url, token or "", process)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
