"""Tagging a text as the time-expression stage would: segmented, then found and resolved."""

from __future__ import annotations

from datetime import datetime

from storyline.ingest.segment import segment
from storyline.models import TimeExpression
from storyline.timex import tag


def tag_text(text: str, published: datetime | None, language: str | None = "en") -> list[TimeExpression]:
    _, sentences = segment(text)
    return tag(text, sentences, language, published)


def values(text: str, published: datetime | None, language: str | None = "en") -> dict[str, str | None]:
    """Each expression's text → its value (the last one, for a text said twice)."""
    return {e.text: e.value for e in tag_text(text, published, language)}
