"""Keyword search over the articles' titles and texts, ranked, with marked snippets.

The index lives in the database, so it commits with the articles it indexes and a reader never sees
one without the other: SQLite keeps an FTS5 table over ``articles`` in step through triggers;
PostgreSQL a generated ``tsvector`` column with a GIN index. Both tokenise the same way (words
lower-cased, no stemming: the corpus is many languages, and one backend must find what the other
finds), and the migration indexes the articles already stored. A newer version of an article
supersedes the old one, which stays indexed with its history but is never a hit.

Queries are parsed once (``parse_query``) into words, quoted phrases, ``-excluded`` terms and
``prefix*`` words, and rendered per backend, so no user text ever reaches either query language
unparsed. Snippets come back with ``MARK_START``/``MARK_END`` around each matched term; the facade
turns them into parts, so an interface escapes the text and marks the hits itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from storyline.store.articles import SUMMARY_SELECT, summary
from storyline.store.curation import NOT_MUTED
from storyline.store.database import NO_LIMIT, Component, Database, Migration, Params, marks
from storyline.store.records import ArticleHit, SearchFilters

# Control characters the cleaner never leaves in a text (see ``ingest.clean``): safe as markers.
MARK_START = "\x02"
MARK_END = "\x03"
ELLIPSIS = "…"
_SNIPPET_WORDS = 24
_TITLE_WEIGHT = 4.0  # a word in the title counts this many times one in the text

SCHEMA = Component(
    "search",
    (
        Migration(
            1,
            "a full-text index over the articles' titles and texts, with the articles stored so far",
            (),
            by_dialect={
                "sqlite": (
                    """CREATE VIRTUAL TABLE article_search USING fts5 (
                        title, text, content='articles', content_rowid='id',
                        tokenize='unicode61 remove_diacritics 2'
                    )""",
                    """CREATE TRIGGER article_search_insert AFTER INSERT ON articles BEGIN
                        INSERT INTO article_search (rowid, title, text) VALUES (new.id, new.title, new.text);
                    END""",
                    """CREATE TRIGGER article_search_update AFTER UPDATE OF title, text ON articles BEGIN
                        INSERT INTO article_search (article_search, rowid, title, text)
                        VALUES ('delete', old.id, old.title, old.text);
                        INSERT INTO article_search (rowid, title, text) VALUES (new.id, new.title, new.text);
                    END""",
                    """CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN
                        INSERT INTO article_search (article_search, rowid, title, text)
                        VALUES ('delete', old.id, old.title, old.text);
                    END""",
                    "INSERT INTO article_search (article_search) VALUES ('rebuild')",
                ),
                "postgresql": (
                    # 'simple': lower-cased words, no stemming, no stop words, as FTS5's unicode61.
                    """ALTER TABLE articles ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector('simple', COALESCE(title, '')), 'A')
                        || setweight(to_tsvector('simple', text), 'B')
                    ) STORED""",
                    "CREATE INDEX articles_search ON articles USING GIN (search_document)",
                ),
            },
        ),
    ),
)


class BadQuery(ValueError):
    """A search query that finds nothing by construction (no word to look for); its message says
    what to change."""


@dataclass(frozen=True, slots=True)
class QueryTerm:
    """Words that must follow each other (one word, or a quoted phrase); ``prefix``: the last word
    matches any word it begins; ``excluded``: a hit must not hold it."""

    words: tuple[str, ...]
    prefix: bool = False
    excluded: bool = False


_TERM = re.compile(r'(-?)(?:"([^"]*)"?|(\S+))')
_WORD = re.compile(r"\w+")


def parse_query(text: str) -> list[QueryTerm]:
    """Words, ``"quoted phrases"``, ``-excluded`` terms and ``prefix*`` words; everything but
    letters and digits separates words, as the indexes tokenise. At least one term must be wanted."""
    terms = []
    for match in _TERM.finditer(text):
        minus, phrase, bare = match.groups()
        raw = phrase if phrase is not None else bare
        words = tuple(word.lower() for word in _WORD.findall(raw))
        if words:
            prefix = phrase is None and raw.endswith("*")
            terms.append(QueryTerm(words, prefix, bool(minus)))
    if not any(not term.excluded for term in terms):
        raise BadQuery(f"nothing to search for in {text!r}: give at least one word that is not excluded")
    return terms


def fts5_query(terms: Sequence[QueryTerm]) -> str:
    """The terms as an FTS5 query: each a quoted phrase (so no word is read as an operator)."""

    def phrase(term: QueryTerm) -> str:
        return f'"{" ".join(term.words)}"' + ("*" if term.prefix else "")

    wanted = " AND ".join(phrase(t) for t in terms if not t.excluded)
    return "".join([f"({wanted})", *(f" NOT {phrase(t)}" for t in terms if t.excluded)])


def tsquery(terms: Sequence[QueryTerm]) -> str:
    """The terms as a PostgreSQL ``to_tsquery`` text: words quoted as lexemes, phrases joined by
    ``<->``. Words hold letters, digits and underscores only, so quoting cannot be escaped."""

    def phrase(term: QueryTerm) -> str:
        lexemes = [f"'{word}'" for word in term.words]
        if term.prefix:
            lexemes[-1] += ":*"
        joined = " <-> ".join(lexemes)
        return f"!({joined})" if term.excluded else f"({joined})"

    return " & ".join(phrase(t) for t in terms)


class SearchRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def articles(
        self, terms: Sequence[QueryTerm], filters: SearchFilters, limit: int | None, offset: int = 0
    ) -> tuple[list[ArticleHit], int]:
        """The current articles matching every wanted term and the filters, the best first (a title
        hit weighs more than a text hit; ties by id), with marked snippets; and how many match."""
        if self._db.dialect == "sqlite":
            match_from = "FROM article_search s JOIN articles a ON a.id = s.rowid"
            match_where = "article_search MATCH ?"
            rank = f"bm25(article_search, {_TITLE_WEIGHT}, 1.0)"  # lower is better
            query: str = fts5_query(terms)
        else:
            match_from = "FROM articles a"
            match_where = "a.search_document @@ to_tsquery('simple', ?)"
            weights = f"'{{0.1, 0.2, {0.1 * _TITLE_WEIGHT}, 0.1}}'"  # D, C, B, A: title A, text B
            rank = f"-ts_rank_cd({weights}, a.search_document, to_tsquery('simple', ?))"
            query = tsquery(terms)
        where, params = _filter_sql(self._db, filters)
        ranked = self._db.query(
            f"""SELECT a.id, {rank} AS score {match_from}
                WHERE {match_where} AND a.superseded_by IS NULL {where}
                ORDER BY score, a.id LIMIT ? OFFSET ?""",
            (*([query] if self._db.dialect == "postgresql" else []), query, *params, _limit(limit), offset),
        )
        total_row = self._db.query_one(
            f"SELECT COUNT(*) {match_from} WHERE {match_where} AND a.superseded_by IS NULL {where}",
            (query, *params),
        )
        ids = [int(r[0]) for r in ranked]
        total = int(total_row[0]) if total_row else 0
        if not ids:
            return [], total
        scores = {int(r[0]): -float(r[1]) for r in ranked}
        snippets = self._snippets(ids, query)
        summaries = {
            s.id: s
            for s in map(summary, self._db.query(f"{SUMMARY_SELECT} WHERE a.id IN ({marks(len(ids))})", ids))
        }
        hits = [
            ArticleHit(summaries[i], scores[i], *snippets.get(i, ("", ""))) for i in ids if i in summaries
        ]
        return hits, total

    def story_ids(
        self,
        terms: Sequence[QueryTerm] | None,
        filters: SearchFilters,
        limit: int | None,
        offset: int = 0,
    ) -> tuple[list[int], int]:
        """Stories with a current, unmuted article matching the keywords (any article when ``terms`` is
        None) and the outlet and entity filters, in the story list's order (newest news first),
        and how many there are. ``since``/``until`` bound when a story last changed, so 'since my
        last visit' gives the stories that changed since."""
        story_clauses: list[str] = []
        params: list[object] = []
        for clause, value in (
            ("st.updated_at >= ?", self._db.time_or_none(filters.since)),
            ("st.updated_at < ?", self._db.time_or_none(filters.until)),
            ("st.id = ?", filters.story_id),
        ):
            if value is not None:
                story_clauses.append(f" AND {clause}")
                params.append(value)
        article_where, article_params = _filter_sql(
            self._db, replace(filters, since=None, until=None, story_id=None)
        )
        if terms is not None:
            match, query = self._match(terms)
            article_where = f" AND {match}{article_where}"
            article_params = [query, *article_params]
        where = f"""FROM stories st WHERE 1 = 1{"".join(story_clauses)}
            AND EXISTS (SELECT 1 FROM story_articles sa JOIN articles a ON a.id = sa.article_id
                        WHERE sa.story_id = st.id AND a.superseded_by IS NULL AND {NOT_MUTED}
                          {article_where})"""
        params.extend(article_params)
        rows = self._db.query(
            f"""SELECT st.id {where}
                ORDER BY st.last_seen DESC NULLS LAST, st.updated_at DESC, st.id DESC LIMIT ? OFFSET ?""",
            (*params, _limit(limit), offset),
        )
        total = self._db.query_one(f"SELECT COUNT(*) {where}", params)
        return [int(r[0]) for r in rows], int(total[0]) if total else 0

    def _match(self, terms: Sequence[QueryTerm]) -> tuple[str, str]:
        """A condition on ``articles a`` that holds for the articles matching ``terms``, and its
        one parameter."""
        if self._db.dialect == "sqlite":
            return "a.id IN (SELECT rowid FROM article_search WHERE article_search MATCH ?)", fts5_query(
                terms
            )
        return "a.search_document @@ to_tsquery('simple', ?)", tsquery(terms)

    def _snippets(self, ids: Sequence[int], query: str) -> dict[int, tuple[str, str]]:
        """(title, text snippet) of each hit, its matched terms marked: asked for the page's hits
        only, since a snippet costs a pass over the text."""
        if not ids:
            return {}
        if self._db.dialect == "sqlite":
            marker = f"'{MARK_START}', '{MARK_END}', '{ELLIPSIS}'"
            rows = self._db.query(
                f"""SELECT rowid, highlight(article_search, 0, '{MARK_START}', '{MARK_END}'),
                           snippet(article_search, 1, {marker}, {_SNIPPET_WORDS})
                    FROM article_search WHERE article_search MATCH ? AND rowid IN ({marks(len(ids))})""",
                (query, *ids),
            )
        else:
            options = (
                f'StartSel={MARK_START}, StopSel={MARK_END}, FragmentDelimiter=" {ELLIPSIS} ", '
                f"MaxWords={_SNIPPET_WORDS}, MinWords={_SNIPPET_WORDS // 2}, MaxFragments=2"
            )
            title_options = f"StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true"
            rows = self._db.query(
                f"""SELECT a.id, ts_headline('simple', COALESCE(a.title, ''), q, '{title_options}'),
                           ts_headline('simple', a.text, q, '{options}')
                    FROM articles a, to_tsquery('simple', ?) q WHERE a.id IN ({marks(len(ids))})""",
                (query, *ids),
            )
        return {int(r[0]): (str(r[1] or ""), str(r[2] or "")) for r in rows}


def _filter_sql(db: Database, filters: SearchFilters) -> tuple[str, Params]:
    """The filters as ``AND …`` conditions over ``articles a`` and their parameters."""
    clauses: list[str] = []
    params: list[object] = []
    if filters.outlet is not None:
        clauses.append("LOWER(a.outlet) = LOWER(?)")
        params.append(filters.outlet)
    if filters.since is not None:
        clauses.append("a.published_utc >= ?")
        params.append(db.time(filters.since))
    if filters.until is not None:
        clauses.append("a.published_utc < ?")
        params.append(db.time(filters.until))
    if filters.story_id is not None:
        clauses.append(
            "EXISTS (SELECT 1 FROM story_articles sa2 WHERE sa2.article_id = a.id AND sa2.story_id = ?)"
        )
        params.append(filters.story_id)
    if filters.entity_id is not None:
        # An entity is named in a story's articles through the forms that story resolved to it.
        clauses.append(
            """EXISTS (SELECT 1 FROM entity_mentions m
                       JOIN story_articles sa3 ON sa3.article_id = m.article_id
                       JOIN story_entity_forms f ON f.story_id = sa3.story_id AND f.type = m.type
                            AND f.norm = m.norm AND f.key = m.key
                       WHERE m.article_id = a.id AND f.entity_id = ?)"""
        )
        params.append(filters.entity_id)
    return "".join(f" AND {clause}" for clause in clauses), params


def _limit(limit: int | None) -> int:
    return NO_LIMIT if limit is None else limit
