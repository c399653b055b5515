"""Invented text for tests: no real outlet's words, and nothing a test could mistake for news."""

from __future__ import annotations

import random

_WORDS = (
    "harbour council minister river bridge festival union court vaccine storm election budget school "
    "museum railway farmers drought airline senator protest treaty factory hospital police mayor "
    "wildfire border market exports bank inflation stadium orchestra satellite glacier coast village "
    "ferry tunnel reservoir parliament judge verdict strike mine pipeline harvest tariff"
).split()


def invented_text(rng: random.Random, sentences: int = 6) -> str:
    """A unique nonsense report: random word order keeps any two far from near-duplicates."""
    out = []
    for _ in range(sentences):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(12, 20))]
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def edited_copy(text: str) -> str:
    """New headline, one paragraph dropped, one sentence reworded: a light wire-desk edit."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    del paragraphs[3]
    paragraphs[1] = paragraphs[1].replace("confirmed that", "said that")
    return "\n".join(["Rights lawyer says US drops bid to deport Xinjiang whistleblower", *paragraphs])
