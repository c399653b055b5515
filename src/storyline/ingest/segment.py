"""Paragraph and sentence segmentation with character offsets into the cleaned text.

Later stages (claims, briefs) cite sentences by offset, so offsets must index the exact text we
store. Sentence boundaries come from blingfire's finite-state model: it handles abbreviations
('U.S.', 'Mr.') and quotes, and at ~20 MB/s (about 0.5 ms for a 10 KB article) it keeps ingest
inside its budget (pysbd was 30x slower here).
"""

from __future__ import annotations

import ctypes
import re

import blingfire

from storyline.models import Sentence, Span

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
# Titles and abbreviations that precede a name or number and never end a news sentence; the
# sentence model sometimes splits after them ("… agreed. Mr. | Guan said …").
_NEVER_FINAL_WORDS = (
    "Mr Mrs Ms Dr Prof Sen Rep Gov Gen Lt Col Capt Sgt Rev St Mt Fr No Nos vs "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
).split()
_NEVER_FINAL = re.compile(r"(?:^|[\s(\"'“‘])(?:" + "|".join(_NEVER_FINAL_WORDS) + r")\.$")
# The pattern is anchored at the end, so only a sentence's tail can match: the longest word, its
# stop and the character before it. A tail cut this long is longer than any word with its stop,
# so '^' cannot match at the cut; searching only the tail keeps the check off long sentences.
_NEVER_FINAL_TAIL = max(map(len, _NEVER_FINAL_WORDS)) + 2

# blingfire's own ``text_to_sentences`` allocates a ctypes buffer sized to each input, and every new
# size creates (and caches forever) a ctypes array type: ~14 µs a line, as much as the model on
# short lines. We call the same C function through our own prototype (leaving blingfire's function
# object alone) with one buffer per text.
_TEXT_TO_SENTENCES = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int
)(("TextToSentences", blingfire.blingfire))


def split_paragraphs(text: str) -> tuple[Span, ...]:
    """Paragraphs are blocks separated by blank lines; surrounding whitespace is excluded."""
    spans: list[Span] = []
    start = 0
    for brk in _PARAGRAPH_BREAK.finditer(text):
        _append_trimmed(text, start, brk.start(), spans)
        start = brk.end()
    _append_trimmed(text, start, len(text), spans)
    return tuple(spans)


def _append_trimmed(text: str, start: int, end: int, spans: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(start, end))


def split_sentences(text: str, paragraphs: tuple[Span, ...]) -> tuple[Sentence, ...]:
    """Sentences never cross a paragraph boundary: a heading line is its own sentence."""
    if not paragraphs:
        return ()
    model = _SentenceModel(max(para.end - para.start for para in paragraphs))
    sentences: list[Sentence] = []
    for index, para in enumerate(paragraphs):
        for line_start, line in _lines(text[para.start : para.end]):
            base = para.start + line_start
            for begin, end in _line_sentences(line, model.split(line)):
                sentences.append(Sentence(index, base + begin, base + end))
    return tuple(sentences)


class _SentenceModel:
    """blingfire's sentence splitter with one output buffer for all the lines of a text."""

    def __init__(self, max_chars: int) -> None:
        """``max_chars``: the length of the longest line to be split."""
        # blingfire's wrapper allows twice the input's UTF-8 size, at most 4 bytes a character; a
        # power of two keeps the number of distinct ctypes array types small.
        self._size = 1 << (8 * max_chars + 1).bit_length()
        self._buffer = ctypes.create_string_buffer(self._size)

    def split(self, line: str) -> str:
        """The line with the gaps between sentences replaced by newlines ('' if the model fails)."""
        encoded = line.encode("utf-8")
        written = _TEXT_TO_SENTENCES(encoded, len(encoded), self._buffer, self._size)
        if written <= 0 or written > self._size:
            return ""
        return self._buffer.value.decode("utf-8")


def _line_sentences(line: str, split: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for begin, end in _sentence_offsets(line, split):
        begin, end = _trim(line, begin, end)
        if end <= begin:
            continue
        if spans and _never_final(line, *spans[-1]):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((begin, end))
    return spans


def _never_final(line: str, begin: int, end: int) -> bool:
    """Whether ``line[begin:end]`` ends in a title or abbreviation that never ends a sentence."""
    return (
        line[end - 1] == "."
        and _NEVER_FINAL.search(line[max(begin, end - _NEVER_FINAL_TAIL) : end]) is not None
    )


def _sentence_offsets(line: str, split: str) -> list[tuple[int, int]]:
    """Locate the model's sentences in the line.

    The model only replaces the gaps between sentences with newlines, so each sentence is found
    verbatim; blingfire's ``…_and_offsets`` variant maps offsets in pure Python and was 4x slower.
    """
    offsets: list[tuple[int, int]] = []
    cursor = 0
    for sentence in split.split("\n"):
        if not sentence:
            continue
        begin = line.find(sentence, cursor)
        if begin < 0:  # the model normalised something: fall back to its own offsets
            return list(blingfire.text_to_sentences_and_offsets(line)[1])
        cursor = begin + len(sentence)
        offsets.append((begin, cursor))
    return offsets


def _lines(chunk: str) -> list[tuple[int, str]]:
    """Single newlines inside a paragraph separate lines that are never one sentence
    (a heading above its paragraph, list items): split there before the sentence model."""
    if "\n" not in chunk:  # the usual paragraph, already trimmed by split_paragraphs
        return [(0, chunk)]
    out: list[tuple[int, str]] = []
    pos = 0
    for line in chunk.split("\n"):
        if line.strip():
            out.append((pos, line))
        pos += len(line) + 1
    return out


def _trim(line: str, begin: int, end: int) -> tuple[int, int]:
    end = min(end, len(line))
    while begin < end and line[begin].isspace():
        begin += 1
    while end > begin and line[end - 1].isspace():
        end -= 1
    return begin, end


def segment(text: str) -> tuple[tuple[Span, ...], tuple[Sentence, ...]]:
    paragraphs = split_paragraphs(text)
    return paragraphs, split_sentences(text, paragraphs)
