"""Language detection: confident on article text, silent on headlines."""

from __future__ import annotations

import pytest

from storyline.ingest.language import MIN_WORDS, SAMPLE_CHARS, detect_language

TEXTS = {
    "en": "The harbour authority said on Tuesday that the northern quay will close for repairs in March.",
    "fr": "L'autorité portuaire a annoncé mardi que le quai nord fermera pour travaux au mois de mars.",
    "es": "La autoridad portuaria anunció el martes que el muelle norte cerrará por obras en marzo.",
    "it": "L'autorità portuale ha annunciato martedì che la banchina nord chiuderà per lavori a marzo.",
    "de": "Die Hafenbehörde teilte am Dienstag mit, dass der Nordkai im März für Reparaturen schließt.",
    "ja": "港湾当局は火曜日、北側の岸壁が三月に修理のため閉鎖されると発表した。",
}


@pytest.mark.parametrize(("language", "text"), TEXTS.items())
def test_article_text_is_detected(language: str, text: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "headline", ["Council approves budget", "Le quai ferme", "港湾が閉鎖", "", "2026 — 45 %"]
)
def test_short_text_stays_undetected(headline: str) -> None:
    assert detect_language(headline) is None


def test_only_the_opening_is_read() -> None:
    # a long text is decided by its first SAMPLE_CHARS characters, whatever follows
    french = " ".join([TEXTS["fr"]] * 8)
    assert len(french) > SAMPLE_CHARS
    assert detect_language(french + " " + " ".join([TEXTS["en"]] * 50)) == "fr"


def test_mixed_words_without_a_clear_language_stay_undetected() -> None:
    words = "harbour quai muelle banchina Hafen port porto puerto Kai quay ferry traghetto"
    assert len(words.split()) >= MIN_WORDS
    assert detect_language(words) is None
