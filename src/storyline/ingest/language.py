"""Language of an article's text, when the text says so clearly enough.

Text and JSONL records rarely name their language, and HTML pages do not always declare one, yet
date reading (day or month first) and later stages depend on it. py3langid (langid.py's model,
97 languages, shipped inside the package: nothing is downloaded) identifies it from character
n-grams. A detected value is a guess, so it carries ``Origin.DETECTED`` and never replaces a
language that was supplied or declared by the page.

A headline is too short to tell reliably (on the multilingual dev texts, three- and four-word
headlines are misread one time in eight), so short or unclear texts stay undetected: a missing
language is honest, a wrong one is not. Thresholds and figures: ``bench/language.py`` and the
"Language detection" section of docs/benchmarks.md.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Fewer words than this is a headline or a caption: not enough evidence for a language.
MIN_WORDS: Final = 8
# The model's probability (normalised over its languages) below which it is only guessing.
MIN_PROBABILITY: Final = 0.8
# The opening of a text decides as well as the whole of it (accuracy 1.0 against 0.997 on the dev
# texts) at a twentieth of the cost: a long article is ~6 ms, its first 600 characters ~0.3 ms.
SAMPLE_CHARS: Final = 600

# Words of scripts written with spaces; scripts written without them (Chinese, Japanese, Thai, Lao,
# Khmer, Burmese) are counted at two characters a word, about their average word length.
_UNSPACED_SCRIPTS: Final = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u9fff\uf900-\ufaff"
_SPACED_WORD_RE: Final = re.compile(rf"[^\W\d_{_UNSPACED_SCRIPTS}]+")
_UNSPACED_CHAR_RE: Final = re.compile(rf"[{_UNSPACED_SCRIPTS}]")
_CHARS_PER_UNSPACED_WORD: Final = 2


@cache
def _identifier() -> LanguageIdentifier:
    # Loading the bundled model costs ~1 s of CPU: once per process, on first use or in warm_up().
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def warm_up() -> None:
    """Load the model now rather than while the first record is being read."""
    _identifier()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language ('fr'), or None when the text is too short or unclear."""
    sample = text[:SAMPLE_CHARS]
    if _word_count(sample) < MIN_WORDS:
        return None
    language, probability = _identifier().classify(sample)
    return str(language) if probability >= MIN_PROBABILITY else None


def _word_count(text: str) -> int:
    unspaced = len(_UNSPACED_CHAR_RE.findall(text)) // _CHARS_PER_UNSPACED_WORD
    return len(_SPACED_WORD_RE.findall(text)) + unspaced
