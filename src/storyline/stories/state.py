"""The clusterer's state: what it continues from, and its format on disk.

A state is numpy arrays behind a small JSON header, zlib-compressed: compact, deterministic, and
quick to write after every batch. A *full* state holds everything; a *change record* holds what a
batch touched (stories joined or merged, terms seen, articles added) and is applied over the full
state and the records before it, so a store can persist every batch cheaply and a full state only
now and then.

The format only grows: arrays added later (label-candidate title flags, full-text flags, kept
members) are optional on reading, so states saved before them still load.
"""

from __future__ import annotations

import itertools
import json
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from storyline.stories.candidates import Postings
from storyline.stories.embeddings import Embedder
from storyline.stories.features import TermBag, Vocabulary
from storyline.stories.params import Bags, StoryParams
from storyline.stories.records import KeptHeadline
from storyline.stories.splitting import KeptMember, KeptMemberIndex
from storyline.stories.story_table import StoryTable

_MAGIC = b"STORYLINE-STORIES\x00"
_VERSION = 1
# Bytes of the header's length prefix, which leads the compressed body.
_HEAD_LEN_BYTES = 8


@dataclass(slots=True)
class StoryState:
    """Everything a clusterer continues from. The ANN index is not part of it: it is derived from
    the centroids (``candidates.CandidateIndex``)."""

    stories: StoryTable
    vocabulary: Vocabulary
    postings: Postings
    kept: KeptMemberIndex
    # Each article's story when it was last placed; ``StoryTable.resolve`` gives the live one.
    article_story: dict[int, int] = field(default_factory=dict)

    @classmethod
    def empty(cls, params: StoryParams, dim: int) -> StoryState:
        return cls(
            StoryTable(dim, params.top_sizes),
            Vocabulary(params.idf_prior_docs),
            Postings(),
            KeptMemberIndex(params.split_max_members),
        )


@dataclass(slots=True)
class ChangeLog:
    """What changed since the last dump, so a change record costs what a batch touched."""

    vocab_written: int  # terms written so far; a change record holds the ones after
    stories: set[int] = field(default_factory=set)
    terms: set[int] = field(default_factory=set)  # document frequency or posting list changed
    articles: dict[int, None] = field(default_factory=dict)  # placed or moved, in order
    dropped_members: set[int] = field(default_factory=set)  # members no longer kept

    def clear(self, vocab_written: int) -> None:
        self.vocab_written = vocab_written
        self.stories.clear()
        self.terms.clear()
        self.articles.clear()
        self.dropped_members.clear()


def write_full_state(state: StoryState, embedder_name: str) -> bytes:
    """A full state: every story row, document frequency, term and posting list."""
    rows = np.arange(state.stories.count + 1)
    return _write(state, embedder_name, rows, sorted(state.postings.lists), list(state.article_story), None)


def write_change_record(state: StoryState, log: ChangeLog, embedder_name: str) -> bytes:
    """A change record: what ``log`` says changed since the last dump."""
    return _write(
        state,
        embedder_name,
        np.array(sorted(log.stories), dtype=np.int64),
        sorted(t for t in log.terms if t in state.postings.lists),
        list(log.articles),
        log,
    )


def _write(
    state: StoryState,
    embedder_name: str,
    rows: NDArray[np.int64],
    post_terms: list[int],
    articles: list[int],
    log: ChangeLog | None,
) -> bytes:
    """Pack story ``rows``, the posting lists of ``post_terms`` and the stories of ``articles``;
    ``log`` None is a full state (all rows in order, every document frequency and term), else a
    change record holding the terms added since ``log.vocab_written`` and the document frequencies
    of the changed terms.

    Channels are numbered in ``Bags`` order (terms 0, names 1, numbers 2) in array names.
    """
    full = log is None
    stories, vocabulary, postings = state.stories, state.vocabulary, state.postings.lists
    headline_counts = np.array([len(stories.headlines[r]) for r in rows], dtype=np.int32)
    arrays: dict[str, NDArray[Any]] = {
        **({} if full else {"rows": rows}),
        "unit": stories.unit[rows],
        "norm": stories.norm[rows],
        "size": stories.size[rows],
        "last": stories.last[rows],
        "into": stories.into[rows],
        "full": stories.full[rows],
    }
    if log is None:
        arrays["df"] = vocabulary.document_frequency[: len(vocabulary)]
    else:
        df_ids = np.array(sorted(log.terms), dtype=np.int64)
        arrays["df_ids"], arrays["df"] = df_ids, vocabulary.document_frequency[df_ids]
    arrays |= {
        "article_ids": np.array(articles, dtype=np.int64),
        "article_story": np.array([state.article_story[a] for a in articles], dtype=np.int32),
        "post_terms": np.array(post_terms, dtype=np.int32),
        "post_lens": np.array([len(postings[t]) for t in post_terms], dtype=np.int64),
        "post_flat": np.array([s for t in post_terms for s in postings[t]], dtype=np.int32),
        "headline_counts": headline_counts,
        "headline_titled": np.array([h.titled for r in rows for h in stories.headlines[r]], dtype=np.int8),
        **{f"ids{ch}": a[rows] for ch, a in enumerate(stories.top_ids)},
        **{f"w{ch}": a[rows] for ch, a in enumerate(stories.top_tf)},
    }
    # Kept members go with their articles: each is written once, when it arrives (or moves).
    kept = [state.kept.by_article[a] for a in articles if a in state.kept.by_article]
    arrays |= {
        "member_ids": np.array([m.article_id for m in kept], dtype=np.int64),
        "member_groups": np.array([m.group for m in kept], dtype=np.int64),
        "member_full": np.array([m.full for m in kept], dtype=np.bool_),
        "member_times": np.array([m.time for m in kept], dtype=np.float64),
        "member_vectors": np.array([m.vector for m in kept], dtype=np.float16).reshape(-1, stories.dim),
        "member_titled": np.array([m.headline.titled for m in kept], dtype=np.bool_),
        "members_dropped": np.array([] if log is None else sorted(log.dropped_members), dtype=np.int64),
    }
    for ch in range(len(Bags._fields)):
        bags = [m.bags[ch] for m in kept]
        arrays[f"member_lens{ch}"] = np.array([len(b.ids) for b in bags], dtype=np.int32)
        arrays[f"member_ids{ch}"] = np.concatenate([np.zeros(0, np.int32), *(b.ids for b in bags)])
        arrays[f"member_tf{ch}"] = np.concatenate([np.zeros(0, np.float32), *(b.tf for b in bags)])
    texts = {
        "vocab": "\n".join(vocabulary.terms[0 if log is None else log.vocab_written :]),
        "headlines": "\n".join(h.text for r in rows for h in stories.headlines[r]),
        "member_headlines": json.dumps([m.headline.text for m in kept]),
    }
    header: dict[str, Any] = {
        "version": _VERSION,
        "n": stories.count,
        "n_docs": vocabulary.n_docs,
        "dim": stories.dim,
        "embedder": embedder_name,
        **({} if log is None else {"vocab_from": log.vocab_written}),
        "arrays": {},
        "texts": {},
    }
    chunks: list[bytes] = []
    offset = 0
    for name, arr in arrays.items():
        raw = np.ascontiguousarray(arr).tobytes()
        header["arrays"][name] = [arr.dtype.str, list(arr.shape), offset, len(raw)]
        chunks.append(raw)
        offset += len(raw)
    for name, text in texts.items():
        raw = text.encode("utf-8")
        header["texts"][name] = [offset, len(raw)]
        chunks.append(raw)
        offset += len(raw)
    head = json.dumps(header, sort_keys=True).encode("utf-8")
    body = len(head).to_bytes(_HEAD_LEN_BYTES, "little") + head + b"".join(chunks)
    # Level 1: state is written after every committed batch, so speed beats the last few percent.
    return _MAGIC + zlib.compress(body, 1)


def state_embedder_name(data: bytes) -> str:
    """The name of the embedder a dumped state (full or change record) was built with, read from
    its header alone: a caller can pick the embedder before loading the state."""
    if not data.startswith(_MAGIC):
        raise ValueError("not a storyline story state")
    inflate = zlib.decompressobj()
    start = inflate.decompress(data[len(_MAGIC) :], _HEAD_LEN_BYTES)
    head_len = int.from_bytes(start, "little")
    head = inflate.decompress(inflate.unconsumed_tail, head_len)
    name: str = _header(head)["embedder"]
    return name


def read_state(data: bytes, changes: Sequence[bytes], params: StoryParams, embedder: Embedder) -> StoryState:
    """The state of a full state ``data`` and the change records dumped after it, in order."""
    parts = _parts(data, changes, embedder)
    n = parts[-1].header["n"]
    state = StoryState(
        StoryTable(embedder.dim, params.top_sizes, capacity=_capacity(n)),
        Vocabulary(params.idf_prior_docs),
        Postings(),
        KeptMemberIndex(params.split_max_members),
    )
    for part in parts:
        _apply(state, part)
    by_story = state.kept.by_story
    for aid in sorted(state.kept.by_article):
        by_story.setdefault(state.stories.resolve(state.article_story[aid]), []).append(aid)
    return state


def read_story_table(
    data: bytes, changes: Sequence[bytes], params: StoryParams, embedder: Embedder
) -> StoryTable:
    """The story rows alone of a full state and its change records (centroids, sizes, merges,
    top terms; no label candidates): what semantic search reads, without building the
    vocabulary, posting lists and kept members it never reads."""
    parts = _parts(data, changes, embedder)
    table = StoryTable(embedder.dim, params.top_sizes, capacity=_capacity(parts[-1].header["n"]))
    apply_story_rows(table, parts)
    return table


def apply_story_rows(table: StoryTable, parts: Sequence[StatePart]) -> None:
    """Write the story rows of decoded states over ``table``, in order: change records dumped
    after the state ``table`` was read from bring it up to date at the cost of what they hold."""
    for part in parts:
        _apply_rows(table, part)


def _parts(data: bytes, changes: Sequence[bytes], embedder: Embedder) -> list[StatePart]:
    parts = [StatePart.parse(data), *(StatePart.parse(c) for c in changes)]
    if "vocab_from" in parts[0].header or any("vocab_from" not in c.header for c in parts[1:]):
        raise ValueError("a story state is one full state followed by change records")
    header = parts[0].header
    if embedder.name != header["embedder"] or embedder.dim != header["dim"]:
        raise ValueError(f"state was built with {header['embedder']}, not {embedder.name}")
    return parts


def _capacity(n: int) -> int:
    """Rows for ``n`` stories and room to grow (row 0 is unused)."""
    return max(64, 1 << (n + 1).bit_length())


def _apply_rows(stories: StoryTable, part: StatePart) -> NDArray[np.int64]:
    """Write one state's story rows over ``stories`` (all but the label candidates); the rows."""
    header = part.header
    n = header["n"]
    if n >= stories.capacity:
        stories.grow(_capacity(n))
    stories.count = n
    rows: NDArray[np.int64] = part.array("rows") if "rows" in header["arrays"] else np.arange(n + 1)
    stories.unit[rows] = part.array("unit")
    stories.norm[rows] = part.array("norm")
    stories.size[rows] = part.array("size")
    stories.last[rows] = part.array("last")
    stories.into[rows] = part.array("into")
    # States written before the flag was kept lack it: their stories count as headline-only until
    # a full text joins them.
    if "full" in header["arrays"]:
        stories.full[rows] = part.array("full")
    for ch, (top_ids, top_tf) in enumerate(zip(stories.top_ids, stories.top_tf, strict=True)):
        top_ids[rows] = part.array(f"ids{ch}")
        top_tf[rows] = part.array(f"w{ch}")
    return rows


def _apply(state: StoryState, part: StatePart) -> None:
    """Write one full state or change record over ``state``."""
    header = part.header
    stories, vocabulary = state.stories, state.vocabulary
    n = header["n"]
    rows = _apply_rows(stories, part)
    vocabulary.n_docs = header["n_docs"]
    if header.get("vocab_from", 0) != len(vocabulary):
        raise ValueError("story state change records are out of order")
    vocabulary.add_terms(part.text("vocab"))
    if "df_ids" in header["arrays"]:
        df = vocabulary.document_frequency
        if len(df) < len(vocabulary):
            vocabulary.document_frequency = np.concatenate([df, np.zeros(len(vocabulary) - len(df))])
        vocabulary.document_frequency[part.array("df_ids")] = part.array("df")
    else:
        vocabulary.document_frequency = part.array("df")
    state.article_story.update(
        zip(part.array("article_ids").tolist(), part.array("article_story").tolist(), strict=True)
    )
    _apply_members(state.kept, part)
    flat = part.array("post_flat")
    bounds = np.concatenate([[0], np.cumsum(part.array("post_lens"))])
    for i, term in enumerate(part.array("post_terms").tolist()):
        state.postings.lists[term] = array("i", flat[bounds[i] : bounds[i + 1]].tolist())
    stories.headlines.extend([] for _ in range(n + 1 - len(stories.headlines)))
    texts = part.text("headlines")
    # States written before titles were told apart hold no flags: count their headlines as titles.
    flags = (
        part.array("headline_titled").astype(bool).tolist()
        if "headline_titled" in header["arrays"]
        else [True] * len(texts)
    )
    headlines = iter(KeptHeadline(t, f) for t, f in zip(texts, flags, strict=True))
    for row, count in zip(rows.tolist(), part.array("headline_counts").tolist(), strict=True):
        stories.headlines[row] = [next(headlines) for _ in range(count)]


def _apply_members(kept: KeptMemberIndex, part: StatePart) -> None:
    """Kept members in one state record; states written before members were kept have none,
    and their stories are not split."""
    if "member_ids" not in part.header["arrays"]:
        return
    for aid in part.array("members_dropped").tolist():
        kept.by_article.pop(aid, None)
    channels = []
    for ch in range(len(Bags._fields)):
        bounds = np.concatenate([[0], np.cumsum(part.array(f"member_lens{ch}"))]).tolist()
        ids, tf = part.array(f"member_ids{ch}"), part.array(f"member_tf{ch}")
        channels.append([TermBag(ids[a:b], tf[a:b]) for a, b in itertools.pairwise(bounds)])
    columns = zip(
        part.array("member_ids").tolist(),
        part.array("member_groups").tolist(),
        part.array("member_full").tolist(),
        part.array("member_times").tolist(),
        part.array("member_vectors"),
        zip(*channels, strict=True),
        json.loads(part.raw_text("member_headlines")),
        part.array("member_titled").tolist(),
        strict=True,
    )
    for aid, group, full, time, vector, bags, text, titled in columns:
        kept.by_article[aid] = KeptMember(
            aid, group, full, time, vector, Bags(*bags), KeptHeadline(text, titled)
        )


def _header(head: bytes) -> dict[str, Any]:
    header: dict[str, Any] = json.loads(head)
    if header["version"] != _VERSION:
        raise ValueError(f"unsupported story state version {header['version']}")
    return header


@dataclass(frozen=True, slots=True)
class StatePart:
    """One decoded full state or change record: its JSON header and payload."""

    header: dict[str, Any]
    payload: memoryview

    @classmethod
    def parse(cls, data: bytes) -> StatePart:
        if not data.startswith(_MAGIC):
            raise ValueError("not a storyline story state")
        body = zlib.decompress(data[len(_MAGIC) :])
        head_len = int.from_bytes(body[:_HEAD_LEN_BYTES], "little")
        header = _header(body[_HEAD_LEN_BYTES : _HEAD_LEN_BYTES + head_len])
        return cls(header, memoryview(body)[_HEAD_LEN_BYTES + head_len :])

    def array(self, name: str) -> NDArray[Any]:
        dtype, shape, offset, size = self.header["arrays"][name]
        raw = self.payload[offset : offset + size]
        return np.frombuffer(raw, dtype=np.dtype(dtype)).reshape(shape).copy()

    def raw_text(self, name: str) -> str:
        offset, size = self.header["texts"][name]
        return bytes(self.payload[offset : offset + size]).decode("utf-8")

    def text(self, name: str) -> list[str]:
        raw = self.raw_text(name)
        return raw.split("\n") if raw else []
