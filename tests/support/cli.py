"""The ``storyline`` command in-process, through typer's runner."""

from __future__ import annotations

from typer.testing import CliRunner, Result

from storyline.interfaces.cli import app


def storyline(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=stdin)
