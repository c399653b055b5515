"""The ``storyline`` command: a thin layer over :class:`storyline.tracker.Tracker`.

Every command is one facade call, formatted. Everything printed (tables, lines, exports) goes
through ``storyline.interfaces.output``, which shows control characters from the input as escapes
instead of handing them to the terminal.

The store is ``--db``, else ``$STORYLINE_DB``, else ``./storyline.db`` or ``./demo.db`` (what
``make demo`` writes), whichever exists first; a store found that way is named on stderr. A read
command never creates a store: where there is none it says so and exits 1.

Exit codes:

- 0: every input handled (stored, or stored before);
- 1: a fatal error, in one line on stderr (no store, a store this user cannot write, an output
  that cannot be written);
- 2: a usage error;
- 3: partial: some inputs were rejected (each is named on stderr) and some stored;
- 4: nothing ingested: every input was rejected, or no input was found;
- 130: interrupted (Ctrl-C): the whole batches stored so far are kept, and running the same
  command again resumes after them.
"""

from __future__ import annotations

import functools
import getpass
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, NoReturn

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from storyline import __version__
from storyline.claims import BriefOrder, FactDate
from storyline.clock import as_utc
from storyline.coverage import Coverage
from storyline.entities import EntityNotFound
from storyline.ingest.watch import DEFAULT_EVERY, DEFAULT_TIMEOUT, Poll, PollOutcome
from storyline.interfaces import timeline_formats
from storyline.interfaces.help import PlainHelpCommand, PlainHelpGroup
from storyline.interfaces.lineage import correction_line
from storyline.interfaces.output import SafeConsole, json_text, write_csv, write_jsonl
from storyline.models import one_line
from storyline.store import DB_VARIABLE, DEFAULT_CANDIDATES, StoreError, StoreNotFound, default_location
from storyline.store.records import ArticleSummary, EntitySummary
from storyline.store.search import BadQuery
from storyline.timeline import Placement
from storyline.tracker import BATCH_SIZE, IngestInterrupted, Tracker
from storyline.views import (
    ArticleExport,
    ArticleView,
    AssignmentExport,
    BriefChangesView,
    BriefView,
    ComparisonView,
    EntityView,
    IngestReport,
    Marked,
    StoryView,
    TimeExpressionsView,
)

# Who an editor's correction is by, when --by does not say.
EDITOR_VARIABLE = "STORYLINE_EDITOR"
EXIT_FATAL = 1
EXIT_PARTIAL = 3
EXIT_NOTHING_INGESTED = 4
EXIT_INTERRUPTED = 130
# Without a terminal (a log, a pipe), ingest progress is a plain line this often.
PROGRESS_LINE_SECONDS = 10.0

_EXIT_CODES = (
    "Exit codes: 0 every input handled, 1 error, 2 usage, 3 partial (some inputs rejected),"
    " 4 nothing ingested, 130 interrupted."
)

app = typer.Typer(
    cls=PlainHelpGroup,
    help="Turn a stream of news articles into de-duplicated, dated, source-compared stories.",
    epilog=_EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
_command = functools.partial(app.command, cls=PlainHelpCommand)
out = SafeConsole()
err = SafeConsole(stderr=True)


@app.callback(invoke_without_command=True)
def _consoles(
    version: Annotated[
        bool, typer.Option("--version", help="Print storyline's version and exit.", is_eager=True)
    ] = False,
) -> None:
    """Turn a stream of news articles into de-duplicated, dated, source-compared stories."""
    # The consoles read the terminal's width ($COLUMNS included) when a command starts, not when
    # this module was imported: a long-lived process (a test run, a server) may invoke many.
    global out, err
    out, err = SafeConsole(), SafeConsole(stderr=True)
    if version:
        out.print(f"storyline {__version__}")
        raise typer.Exit()


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="LOCATION",
        help=f"The store: an SQLite file or a postgresql:// URL. Default: ${DB_VARIABLE},"
        f" else the first of {', '.join(f'./{name}' for name in DEFAULT_CANDIDATES)} that exists.",
    ),
]


# An article is named by its input's id, or by storyline's own with --id (never one for the other).
InputIdArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="INPUT_ID", help="The id the article's input gave it (a record's id, a file's path)."
    ),
]
InternalIdOption = Annotated[
    int | None,
    typer.Option("--id", metavar="N", help="The article's storyline id instead (the 'id' column)."),
]


def _fail(message: str) -> NoReturn:
    err.print(f"[red]error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(EXIT_FATAL)


def _location(db: str | None) -> str:
    """The store the command uses; named on stderr when the user did not name it."""
    if db:
        return db
    location = default_location()
    if not os.environ.get(DB_VARIABLE):
        looked = ", ".join(f"./{name}" for name in DEFAULT_CANDIDATES)
        err.print(
            f"[dim]store: ./{escape(location)} (no --db or ${DB_VARIABLE}; looked for {looked})[/]",
            soft_wrap=True,
        )
    return location


@contextmanager
def _tracker(db: str | None, *, create: bool, **options: Any) -> Iterator[Tracker]:
    """The tracker on the command's store; ``create`` False (a read command) refuses to make one."""
    location = _location(db)
    try:
        tracker = Tracker(location, create=create, **options)
    except StoreNotFound as exc:
        _fail(f"{exc}; ingest into it first, or pass --db / set ${DB_VARIABLE}")
    except StoreError as exc:
        _fail(str(exc))
    except Exception as exc:  # a broken or foreign file must not end in a traceback
        _fail(f"cannot open store {location}: {one_line(exc)}")
    try:
        yield tracker
    finally:
        tracker.close()


@_command()
def ingest(
    paths: Annotated[
        list[str], typer.Argument(metavar="PATH", help="Files, folders (recursive) or - for stdin.")
    ],
    db: DbOption = None,
    batch_size: Annotated[
        int,
        typer.Option(min=1, metavar="N", help="Inputs per batch: each batch is stored whole or not at all."),
    ] = BATCH_SIZE,
) -> None:
    """Read, clean, de-duplicate and store articles, then assign them to stories."""
    with _tracker(db, create=True, batch_size=batch_size) as tracker:
        try:
            with _progress(tracker.count_inputs(paths)) as advance:
                report = tracker.ingest(
                    paths,
                    stdin=sys.stdin.buffer,
                    progress=advance,
                    on_wait=lambda message: err.print(f"[yellow]{escape(message)}[/]"),
                )
        except IngestInterrupted as stopped:
            c = stopped.report.counts
            err.print(
                f"[yellow]stopped:[/] ingest run {stopped.report.run_id} had read {c.read:,} inputs in whole"
                f" batches ({c.new:,} new articles), all kept; run the same command to resume: what is"
                " stored is skipped",
                soft_wrap=True,
            )
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except KeyboardInterrupt:
            err.print("[yellow]stopped[/] before any input was stored; run the same command to start again")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except StoreError as exc:
            _fail(str(exc))
        except Exception as exc:  # the store or the disk failed mid-run (a full disk): one line, no traceback
            _fail(
                f"ingest stopped: {one_line(exc)}; every batch stored before it is kept,"
                " and running the same command again resumes"
            )
    for rejection in report.rejections:
        err.print(f"[yellow]rejected[/] {escape(str(rejection))}", soft_wrap=True)
    for warning in report.warnings:
        err.print(f"[yellow]warning[/] {escape(str(warning))}", soft_wrap=True)
    for notice in report.notices:
        err.print(f"[cyan]note[/] {escape(str(notice))}", soft_wrap=True)
    _print_summary(report)
    code = _ingest_exit_code(report)
    if code == EXIT_NOTHING_INGESTED:
        nothing = "every input was rejected" if report.rejections else "no input was found"
        err.print(f"[red]nothing ingested:[/] {nothing}")
    raise typer.Exit(code)


def _ingest_exit_code(report: IngestReport) -> int:
    c = report.counts
    if c.new + c.exact_duplicates + c.already_stored == 0:  # new counts near-duplicates too
        return EXIT_NOTHING_INGESTED
    return EXIT_PARTIAL if report.rejections else 0


@contextmanager
def _progress(total: int | None) -> Iterator[Callable[[int], None]]:
    """Where ingest progress goes: a bar on a terminal (with a time estimate when the number of
    inputs is known), a plain line now and then anywhere else, so that a log stays readable."""
    if not err.is_terminal:
        yield _ProgressLines(total).advance
        return
    columns: list[ProgressColumn | str] = [
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("inputs"),
        TimeElapsedColumn(),
        TextColumn("elapsed"),
    ]
    if total is not None:
        columns += [TextColumn("about"), TimeRemainingColumn(), TextColumn("left")]
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("ingest", total=total)
        yield functools.partial(bar.advance, task)


class _ProgressLines:
    """Progress as one plain line after the first batch, then at most every
    ``PROGRESS_LINE_SECONDS``: ``ingest: 1,024 of 3,000 inputs (34%), 0:00:12 elapsed, about
    0:00:23 left``."""

    def __init__(self, total: int | None) -> None:
        self._total = total
        self._done = 0
        self._started = time.monotonic()
        self._printed: float | None = None

    def advance(self, count: int) -> None:
        self._done += count
        now = time.monotonic()
        if self._printed is not None and now - self._printed < PROGRESS_LINE_SECONDS:
            return
        self._printed = now
        elapsed = now - self._started
        done, total = self._done, self._total
        line = (
            f"ingest: {done:,} of {total:,} inputs ({100 * done // total}%)"
            if total
            else f"ingest: {done:,} inputs"
        )
        line += f", {_duration(elapsed)} elapsed"
        if total and 0 < done < total:
            line += f", about {_duration(elapsed * (total - done) / done)} left"
        err.print(line, highlight=False, soft_wrap=True)


def _duration(seconds: float) -> str:
    return str(timedelta(seconds=round(seconds)))


def _print_summary(report: IngestReport) -> None:
    c = report.counts
    table = Table(title=f"ingest run {report.run_id}", show_header=False)
    for name, value in (
        ("read", c.read),
        ("new articles", c.new),
        ("exact duplicates", c.exact_duplicates),
        ("near-duplicates", c.near_duplicates),
        ("already stored", c.already_stored),
        ("rejected", c.rejected),
        ("skipped (not articles)", c.skipped),
    ):
        table.add_row(name, str(value))
    out.print(table)
    if report.rejections:
        reasons: dict[str, int] = {}
        for rejection in report.rejections:
            reasons[rejection.reason] = reasons.get(rejection.reason, 0) + 1
        for reason, count in sorted(reasons.items(), key=lambda kv: -kv[1]):
            out.print(f"  rejected {count}× — {escape(reason)}")


@_command()
def articles(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(metavar="N", help="Rows to show.")] = 50,
    offset: Annotated[int, typer.Option(metavar="N", help="Rows to skip.")] = 0,
) -> None:
    """List stored articles."""
    with _tracker(db, create=False) as tracker:
        page = tracker.articles(limit, offset)
    out.print(_article_table(page.items, title=f"articles {page.first}–{page.last} of {page.total}"))


def _article_table(rows: list[ArticleSummary], title: str | None = None) -> Table:
    table = Table(title=title)
    for column in ("id", "external id", "title", "outlet", "published", "dup of", "sources", "story"):
        table.add_column(column)
    for row in rows:
        table.add_row(*_summary_cells(row))
    return table


def _summary_cells(row: ArticleSummary) -> list[str]:
    return [
        str(row.id),
        escape(row.external_id),
        escape(row.title or ""),
        escape(row.outlet or ""),
        f"{row.published.isoformat()} ({row.published_origin})" if row.published else "",
        str(row.duplicate_of or ""),
        str(row.source_count),
        str(row.story_id or ""),
    ]


@_command()
def article(
    key: InputIdArgument = None,
    db: DbOption = None,
    internal_id: InternalIdOption = None,
) -> None:
    """Show one article: clean text, metadata with provenance, sources and duplicates."""
    if (key is None) == (internal_id is None):
        err.print("[red]error:[/] give an input id, or --id with a storyline id")
        raise typer.Exit(2)
    with _tracker(db, create=False) as tracker:
        view = tracker.article(internal_id if internal_id is not None else str(key))
    if view is None:
        _fail(
            f"no article with id {internal_id}"
            if internal_id is not None
            else f"no article with input id {key}"
        )
    _print_article(view)


def _print_article(view: ArticleView) -> None:
    stored, group = view.stored, view.duplicate_group
    a = stored.article
    meta = Table(show_header=False, title=f"article {stored.id}")
    for name, value in (
        ("title", a.title),
        ("outlet", a.outlet),
        ("url", a.url),
        ("author", a.author),
        ("language", a.language),
    ):
        meta.add_row(name, escape(value.value or "—"), value.origin.value)
    published = a.published
    meta.add_row(
        "published",
        published.value.isoformat() if published.value else "—",
        published.origin.value + (f" ({escape(published.raw)})" if published.raw else ""),
    )
    meta.add_row("story", str(stored.story_id or "—"), "")
    meta.add_row("paragraphs / sentences", f"{len(a.paragraphs)} / {len(a.sentences)}", "")
    if len(group) > 1:
        similarity = f"similarity {stored.duplicate_similarity:.2f}" if stored.duplicate_similarity else ""
        origin = "origin" if stored.duplicate_of is None else f"origin {stored.duplicate_of}"
        meta.add_row("duplicate group", ", ".join(map(str, group)), f"{origin}; {similarity}".strip("; "))
    if len(view.versions) > 1:
        place = view.versions.index(stored.id) + 1
        meta.add_row(
            "versions",
            ", ".join(map(str, view.versions)),
            f"this is version {place} of {len(view.versions)}"
            + (" (superseded)" if stored.superseded_by else ""),
        )
    if view.namesakes:
        meta.add_row(
            "same input id", ", ".join(map(str, view.namesakes)), "other inputs use this id: see --id"
        )
    for warning in a.warnings:
        meta.add_row("warning", escape(warning), "")
    out.print(meta)
    sources = Table(title="sources")
    for column in ("external id", "read from", "outlet", "sha256"):
        sources.add_column(column)
    for source in stored.sources:
        sources.add_row(
            escape(source.external_id),
            escape(source.locator),
            escape(source.outlet or ""),
            source.raw_sha256[:12],
        )
    out.print(sources)
    out.print()
    out.print(escape(a.text), soft_wrap=True)


@app.command()
def times(
    key: InputIdArgument = None,
    db: DbOption = None,
    internal_id: InternalIdOption = None,
    story_id: Annotated[
        int | None, typer.Option("--story", help="A story's id: the time expressions of all its articles.")
    ] = None,
) -> None:
    """Show the time expressions of an article (or of a story's articles), each resolved against
    its report's published time: text, TIMEX3 value, type, anchor, rule and sentence."""
    if sum(x is not None for x in (key, internal_id, story_id)) != 1:
        err.print("[red]error:[/] give an input id, --id with a storyline id, or --story with a story id")
        raise typer.Exit(2)
    with _tracker(db, create=False) as tracker:
        if story_id is not None:
            view = tracker.story_time_expressions(story_id)
            missing = f"no story {story_id}"
        else:
            view = tracker.time_expressions(internal_id if internal_id is not None else str(key))
            missing = (
                f"no article with id {internal_id}"
                if internal_id is not None
                else f"no article with input id {key}"
            )
    if view is None:
        _fail(missing)
    if view.redirected:
        out.print(f"story {view.requested_id} was merged into story {view.story_id}")
    out.print(_times_table(view))
    if view.untagged:
        names = ", ".join(escape(view.external_ids.get(i, f"#{i}")) for i in view.untagged)
        out.print(f"not tagged yet (the next ingest run tags them): {names}")


def _times_table(view: TimeExpressionsView) -> Table:
    title = f"{len(view.expressions)} time expressions" + (
        f" in story {view.story_id}" if view.story_id else ""
    )
    table = Table(title=title)
    columns = ["article"] if view.story_id is not None else []
    for column in (*columns, "sentence", "text", "value", "type", "anchor", "rule"):
        table.add_column(column)
    for stored in view.expressions:
        e = stored.expression
        value = f"{e.value}" + (f" ({e.mod})" if e.mod else "") if e.value else f"— ({e.reason})"
        cells = [escape(view.external_ids.get(stored.article_id, f"#{stored.article_id}"))] if columns else []
        table.add_row(
            *cells,
            str(e.sentence),
            escape(e.text),
            escape(value),
            f"{e.type.value} ({e.granularity.value})",
            escape(e.anchor or ""),
            escape(e.rule),
        )
    return table


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


class ExportWhat(StrEnum):
    articles = "articles"
    assignments = "assignments"


@_command()
def export(
    db: DbOption = None,
    format: Annotated[
        ExportFormat, typer.Option("--format", metavar="jsonl|csv", help="Output format.")
    ] = ExportFormat.jsonl,
    what: Annotated[
        ExportWhat,
        typer.Option(
            "--what",
            metavar="articles|assignments",
            help="Every field of each article, or assignments (input id → story id).",
        ),
    ] = ExportWhat.articles,
) -> None:
    """Write articles (or story assignments) to stdout, one record per line."""
    with _tracker(db, create=False) as tracker:
        if what is ExportWhat.assignments:
            records = (r.as_dict() for r in tracker.export_assignments())
            fields = AssignmentExport.FIELDS
        else:
            records = (r.as_dict() for r in tracker.export_articles())
            fields = ArticleExport.FIELDS
        try:
            if format is ExportFormat.jsonl:
                write_jsonl(records, sys.stdout)
            else:
                write_csv(records, fields, sys.stdout)
            sys.stdout.flush()
        except BrokenPipeError:
            raise  # the reader stopped reading (| head): typer ends quietly
        except OSError as exc:  # a full disk
            _discard_stdout()
            _fail(f"cannot write the export: {exc.strerror or exc}")


def _discard_stdout() -> None:
    """Point stdout at /dev/null: what is still buffered for it would fail again when Python
    flushes it on exit, and print a second error with a traceback."""
    # A stdout without a file descriptor (a test's captured output) holds nothing buffered.
    with suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@_command()
def stories(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(metavar="N", help="Rows to show.")] = 50,
) -> None:
    """List stories, the latest news first."""
    with _tracker(db, create=False) as tracker:
        page = tracker.stories(limit)
    table = Table(
        title=f"{page.total} stories"
        + (f", the {len(page.items)} latest" if page.total > len(page.items) else "")
    )
    for column in ("id", "label", "articles", "outlets", "first seen", "last seen"):
        table.add_column(column)
    for row in page.items:
        label = escape(row.label) + (f"\n[dim]{escape(', '.join(row.key_terms))}[/]" if row.key_terms else "")
        table.add_row(
            str(row.id),
            label,
            str(row.article_count),
            str(row.outlet_count),
            row.first_seen.isoformat() if row.first_seen else "",
            row.last_seen.isoformat() if row.last_seen else "",
        )
    out.print(table)


@_command()
def story(
    story_id: Annotated[int, typer.Argument(metavar="STORY_ID", help="Story id (an absorbed id redirects).")],
    db: DbOption = None,
) -> None:
    """Show a story: its articles in time order with outlets and duplicate groups."""
    with _tracker(db, create=False) as tracker:
        view = tracker.story(story_id)
    if view is None:
        _fail(f"no story {story_id}")
    _print_story(view)


def _print_story(view: StoryView) -> None:
    if view.redirected:
        out.print(f"story {view.requested_id} was merged into story {view.story.id}")
    out.print(f"[bold]story {view.story.id}[/]: {escape(view.story.label)}")
    if view.story.key_terms:
        out.print(f"key terms: {escape(', '.join(view.story.key_terms))}")
    out.print(_article_table(view.articles))
    out.print(_coverage_chart(view.coverage()))
    for merge in view.merges:
        out.print(
            f"merged story {merge.absorbed} into {merge.into} at {merge.merged_at.isoformat()}: "
            f"{escape(merge.reason)} (score {merge.score:.2f})"
        )
    for split in view.splits:
        out.print(
            f"split {split.article_count} reports off story {split.story_id} into story"
            f" {split.new_story_id} at {split.split_at.isoformat()}: {escape(split.reason)}"
            f" (score between the parts {split.score:.2f})"
        )
    for correction in view.corrections:
        out.print(f"correction at {correction.at.isoformat()}: {escape(correction_line(correction))}")


# -- editors' corrections ------------------------------------------------------------------------
WhyOption = Annotated[str, typer.Option("--why", metavar="TEXT", help="Why: kept with the correction.")]
ByOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="NAME",
        help=f"Who corrects (kept with it). Default: ${EDITOR_VARIABLE}, else your login.",
    ),
]
StoryArgument = Annotated[
    int, typer.Argument(metavar="STORY_ID", help="Story id (an absorbed id redirects).")
]


def _editor(by: str | None) -> str:
    if by:
        return by
    if os.environ.get(EDITOR_VARIABLE):
        return os.environ[EDITOR_VARIABLE]
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "unknown"


def _correct(db: str | None, correction: Callable[[Tracker], StoryView]) -> None:
    with _tracker(db, create=False) as tracker:
        try:
            view = correction(tracker)
        except (LookupError, ValueError) as exc:
            _fail(str(exc).strip("'\""))
    _print_story(view)


@_command()
def merge(
    story_id: StoryArgument,
    other_id: Annotated[int, typer.Argument(metavar="OTHER_ID", help="The story to merge with it.")],
    why: WhyOption = "",
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Merge two stories into one (the older id survives); the machine never splits it again."""
    _correct(db, lambda t: t.merge_stories(story_id, other_id, by=_editor(by), why=why))


@_command()
def move(
    story_id: StoryArgument,
    article_ids: Annotated[
        list[int], typer.Argument(metavar="ARTICLE_ID...", help="Storyline ids of the articles to move.")
    ],
    why: WhyOption = "",
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Move articles out of a story into a new story; the two are never merged again."""
    _correct(db, lambda t: t.move_articles(story_id, list(article_ids), by=_editor(by), why=why))


@_command()
def rename(
    story_id: StoryArgument,
    name: Annotated[str, typer.Argument(help="The name to show the story under.")],
    why: WhyOption = "",
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Show a story under NAME, whatever its reports suggest later."""
    _correct(db, lambda t: t.rename_story(story_id, name, by=_editor(by), why=why))


MuteArticleOption = Annotated[
    int | None, typer.Option("--article", metavar="ID", help="A storyline article id.")
]
MuteOutletOption = Annotated[
    str | None, typer.Option("--outlet", metavar="NAME", help="An outlet (any case).")
]


def _mute(db: str | None, muted: bool, article: int | None, outlet: str | None, by: str, why: str) -> None:
    if (article is None) == (outlet is None):
        err.print("[red]error:[/] give --article or --outlet")
        raise typer.Exit(2)
    with _tracker(db, create=False) as tracker:
        edit = tracker.mute if muted else tracker.unmute
        try:
            changed = edit(article=article, outlet=outlet, by=by, why=why)
        except (LookupError, ValueError) as exc:
            _fail(str(exc).strip("'\""))
    what = f"outlet {outlet}" if outlet is not None else f"article {article}"
    state = "muted" if muted else "unmuted"
    out.print(f"{escape(what)} {state}" if changed else f"{escape(what)} was {state} already")


def _mute_command(muted: bool, help_text: str) -> Callable[..., None]:
    """``mute`` or ``unmute``: one command each, the same options."""

    def command(
        article: MuteArticleOption = None,
        outlet: MuteOutletOption = None,
        why: WhyOption = "",
        by: ByOption = None,
        db: DbOption = None,
    ) -> None:
        _mute(db, muted, article, outlet, _editor(by), why)

    command.__doc__ = help_text
    return command


mute = _command("mute")(
    _mute_command(True, "Leave an article, or every article of an outlet, out of story views and counts.")
)
unmute = _command("unmute")(
    _mute_command(False, "Show a muted article or outlet in story views and counts again.")
)


class TimelineFormat(StrEnum):
    text = "text"
    md = "md"
    json = "json"


@_command()
def timeline(
    story_id: Annotated[int, typer.Argument(metavar="STORY_ID", help="Story id (an absorbed id redirects).")],
    db: DbOption = None,
    output_format: Annotated[
        TimelineFormat, typer.Option("--format", help="text (a dated strip and a table), md or json.")
    ] = TimelineFormat.text,
) -> None:
    """Show a story's timeline: what happened when, each entry with the reports that tell it, and
    the developments (detained → released)."""
    with _tracker(db, create=False) as tracker:
        view = tracker.timeline(story_id)
    if view is None:
        _fail(f"no story {story_id}")
    if output_format is TimelineFormat.json:
        sys.stdout.write(json_text(timeline_formats.to_json(view)) + "\n")
        return
    if output_format is TimelineFormat.md:
        sys.stdout.write(timeline_formats.to_markdown(view))
        return
    if view.redirected:
        out.print(f"story {story_id} was merged into story {view.story_id}")
    entries, developments = view.timeline.entries, view.timeline.developments
    reports = len({a for entry in entries for a in entry.articles})
    out.print(
        f"[bold]timeline of story {view.story_id}[/]: {len(entries)} entries from {reports} reports,"
        f" {len(developments)} developments"
    )
    for line in timeline_formats.strip(view):
        out.print(line, markup=False, highlight=False)
    out.print(
        "● dated by the text  ○ placed on the day it was reported  ◆ the story's state changed", style="dim"
    )
    table = Table(box=None, show_lines=False)
    for column in ("when", "what happened", "reports (input id, outlet, sentence, characters)"):
        table.add_column(column, overflow="fold")
    for entry in entries:
        when = entry.when or "undated"
        if entry.placement is Placement.REPORTED:
            when += "\n(reported)"
        cited = "\n".join(escape(timeline_formats.cite(e.citations[0])) for e in entry.events)
        table.add_row(escape(when), escape(entry.events[0].citations[0].text), cited)
    out.print(table)
    for development in developments:
        described = timeline_formats.describe_development(development)
        out.print(f"{timeline_formats.DEVELOPMENT_MARK} {escape(described)}")


@_command()
def entities(
    story_id: Annotated[
        int | None, typer.Argument(help="A story id (an absorbed id redirects); all stories if left out.")
    ] = None,
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="Rows to show.")] = 50,
) -> None:
    """List the people, organisations and places of a story, or of the whole store."""
    with _tracker(db, create=False) as tracker:
        rows = tracker.entities(story_id, limit)
    if rows is None:
        _fail(f"no story {story_id}")
    scope = f"story {story_id}" if story_id is not None else "all stories"
    out.print(_entity_table(rows, title=f"entities of {scope}", per_story=story_id is None))


def _entity_table(rows: list[EntitySummary], title: str, per_story: bool) -> Table:
    table = Table(title=title)
    for column in ("id", "name", "type", "mentions", "articles", *(["stories"] if per_story else [])):
        table.add_column(column)
    for row in rows:
        cells = [str(row.entity.id), escape(row.entity.name), row.entity.type.value]
        cells += [str(row.mentions), str(row.articles), *([str(row.stories)] if per_story else [])]
        table.add_row(*cells)
    return table


@_command()
def entity(
    name: Annotated[str, typer.Argument(help="Any name of the entity ('DHS', 'Guan'), or its id.")],
    db: DbOption = None,
) -> None:
    """Show one entity: how it is written, its aliases, stories, articles, first and last mention."""
    with _tracker(db, create=False) as tracker:
        view = tracker.entity(int(name) if name.isdigit() else name)
    if view is None:
        _fail(f"no entity known as {name}")
    _print_entity(view)


def _print_entity(view: EntityView) -> None:
    e = view.summary
    out.print(f"[bold]entity {e.entity.id}[/]: {escape(e.entity.name)} ({e.entity.type.value})")
    out.print(f"{e.mentions} mentions in {e.articles} articles of {e.stories} stories")
    out.print("written as: " + escape(", ".join(f"{text} ({n})" for text, n in view.spellings)))
    out.print("aliases: " + escape(", ".join(view.aliases)))
    out.print("stories: " + ", ".join(f"{story} ({n})" for story, n in view.stories))
    out.print("articles: " + ", ".join(map(str, view.articles)))
    for label, row in (("first mention", view.first_mention), ("last mention", view.last_mention)):
        if row is not None:
            when = row.published.isoformat() if row.published else "undated"
            m = row.mention
            out.print(
                f"{label}: article {row.article_id} ({escape(row.external_id)}, {when}),"
                f" sentence {m.sentence}, characters {m.start}–{m.end}: {escape(m.text)}"
            )


alias_app = typer.Typer(
    cls=PlainHelpGroup,
    help="Correct which names name one entity; the choice survives later ingests.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(alias_app, name="alias")


def _alias_edit(db: str | None, edit: str, name: str, other: str) -> None:
    with _tracker(db, create=False) as tracker:
        try:
            view = getattr(tracker, edit)(name, other)
        except (LookupError, ValueError) as exc:
            _fail(str(exc))
    _print_entity(view)


@alias_app.command(cls=PlainHelpCommand, name="add")
def alias_add(
    name: Annotated[str, typer.Argument(help="A name of the entity.")],
    alias: Annotated[str, typer.Argument(help="The name that is to name it too.")],
    db: DbOption = None,
) -> None:
    """ALIAS names the entity known as NAME, in every story (it wins over the rules)."""
    _alias_edit(db, "add_alias", name, alias)


@alias_app.command(cls=PlainHelpCommand, name="split")
def alias_split(
    name: Annotated[str, typer.Argument(help="A name of the entity.")],
    alias: Annotated[str, typer.Argument(help="The name that is not the entity.")],
    db: DbOption = None,
) -> None:
    """ALIAS no longer names the entity known as NAME: it becomes an entity of its own."""
    _alias_edit(db, "split_alias", name, alias)


@alias_app.command(cls=PlainHelpCommand, name="rename")
def alias_rename(
    name: Annotated[str, typer.Argument(help="A name of the entity.")],
    new_name: Annotated[str, typer.Argument(help="The name to show it under.")],
    db: DbOption = None,
) -> None:
    """Show the entity known as NAME as NEW_NAME."""
    _alias_edit(db, "rename_entity", name, new_name)


@_command()
def runs(db: DbOption = None) -> None:
    """List ingest runs: when, what was read, what each did, and how it ended."""
    with _tracker(db, create=False) as tracker:
        rows = tracker.runs()
    table = Table(title=f"{len(rows)} ingest runs")
    for column in (
        "run",
        "started",
        "status",
        "read",
        "new",
        "duplicates",
        "already stored",
        "rejected",
        "inputs",
    ):
        table.add_column(column)
    for run in rows:
        c = run.counts
        table.add_row(
            str(run.id),
            run.started_at.isoformat(timespec="seconds"),
            run.status.value,
            str(c.read),
            str(c.new),
            f"{c.exact_duplicates} exact, {c.near_duplicates} near",
            str(c.already_stored),
            str(c.rejected),
            escape(" ".join(run.arguments)),
        )
    out.print(table)


_AGO = re.compile(r"(\d+)\s*([mhdw])")
_AGO_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def _instant(text: str) -> datetime:
    """An ISO 8601 date or time (UTC unless it says otherwise), or a span ago: 30m, 2h, 1d, 1w."""
    ago = _AGO.fullmatch(text.strip())
    if ago:
        return datetime.now(UTC) - timedelta(**{_AGO_UNITS[ago.group(2)]: int(ago.group(1))})
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(f"{text!r}: not an ISO date or time, nor a span like 2h") from None
    return as_utc(value)


@_command()
def changes(
    since: Annotated[
        str, typer.Option("--since", metavar="WHEN", help="An ISO 8601 date or time, or a span ago (2h, 1d).")
    ],
    story_id: Annotated[
        int | None,
        typer.Option("--story", metavar="STORY_ID", help="Only this story (an absorbed id redirects)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """What is new since WHEN: articles, stories, merges and splits, time expressions, entities and
    editors' corrections, in the store or in one story."""
    when = _instant(since)
    with _tracker(db, create=False) as tracker:
        view = tracker.changes(when, story_id)
    if view is None:
        _fail(f"no story {story_id}")
    scope = "the store" if view.story_id is None else f"story {view.story_id}"
    out.print(f"changes in {scope} from {view.since.isoformat()} to {view.until.isoformat()}")
    if view.requested_id is not None and view.requested_id != view.story_id:
        out.print(f"story {view.requested_id} was merged into story {view.story_id}")
    if view.empty:
        out.print("nothing changed")
        return
    if view.stories:
        table = Table(title=f"{len(view.stories)} new stories")
        for column in ("id", "label", "articles", "outlets"):
            table.add_column(column)
        for row in view.stories:
            table.add_row(str(row.id), escape(row.label), str(row.article_count), str(row.outlet_count))
        out.print(table)
    if view.articles:
        out.print(_article_table(view.articles, title=f"{len(view.articles)} new articles"))
    for merge in view.merges:
        out.print(f"merged story {merge.absorbed} into {merge.into}: {escape(merge.reason)}")
    for split in view.splits:
        out.print(
            f"split {split.article_count} reports off story {split.story_id} into story"
            f" {split.new_story_id}: {escape(split.reason)}"
        )
    if view.time_expressions:
        out.print(f"{len(view.time_expressions)} new time expressions:")
        for stored in view.time_expressions:
            e = stored.expression
            out.print(f"  article {stored.article_id}: {escape(e.text)} → {escape(e.value or 'unresolved')}")
    if view.entities:
        named = ", ".join(f"{e.entity.name} ({e.entity.type.value})" for e in view.entities)
        out.print(f"{len(view.entities)} newly named: {escape(named)}")
    if view.timeline_entries:
        out.print(f"{len(view.timeline_entries)} timeline entries told by new articles:")
        for story_id, entry in view.timeline_entries:
            told = entry.events[0].citations[0].text
            out.print(f"  story {story_id}, {escape(entry.when or 'undated')}: {escape(told)}")
    for correction in view.corrections:
        out.print(f"correction at {correction.at.isoformat()}: {escape(correction_line(correction))}")


@_command()
def watch(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="SOURCE",
            help="RSS/Atom feeds (http(s) URLs or files) and folders; none: every source the store"
            " watches (added by the API, or watched before).",
        ),
    ] = None,
    every: Annotated[
        float, typer.Option(min=1, metavar="SECONDS", help="Seconds between polls of a source.")
    ] = DEFAULT_EVERY,
    once: Annotated[
        bool, typer.Option("--once", help="Poll the sources that are due once, then exit.")
    ] = False,
    timeout: Annotated[
        float, typer.Option(min=0.1, metavar="SECONDS", help="Seconds a feed may take to answer.")
    ] = DEFAULT_TIMEOUT,
    db: DbOption = None,
) -> None:
    """Poll feeds and folders, and run what is new through the whole pipeline.

    Each feed is fetched with conditional GET (ETag, Last-Modified); a failing source backs off,
    each failure one line on stderr naming it. The sources' state is kept in the store: a watcher
    started again resumes. Without SOURCE, polls the sources the store holds, picking up those
    added meanwhile. With --once, exits 3 if a poll failed."""
    failed = False

    def report(poll: Poll) -> None:
        nonlocal failed
        if poll.outcome is PollOutcome.FAILED:
            failed = True
            err.print(f"[red]failed[/] {escape(str(poll))}", soft_wrap=True)
        else:
            out.print(escape(str(poll)), soft_wrap=True, highlight=False)

    with _tracker(db, create=True) as tracker:
        try:
            with tracker.watcher(sources or None, every=every, timeout=timeout) as watcher:
                watcher.run(once=once, report=report)
        except KeyboardInterrupt:
            err.print("[yellow]stopped[/]: every poll that ended is kept; run the same command to resume")
            raise typer.Exit(EXIT_INTERRUPTED) from None
    raise typer.Exit(EXIT_PARTIAL if failed else 0)


InstantOption = Annotated[
    str | None, typer.Option(metavar="ISO", help="An ISO date or date and time (UTC when no zone).")
]


@_command()
def search(
    query: Annotated[
        str,
        typer.Argument(
            help='Words every hit holds; "a phrase", -word to exclude, word* for any word it begins.'
        ),
    ],
    db: DbOption = None,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet's articles (any case).")] = None,
    entity: Annotated[
        str | None, typer.Option(help="Only articles naming this entity (any of its names).")
    ] = None,
    story_id: Annotated[
        int | None, typer.Option("--story", metavar="ID", help="Only this story's articles.")
    ] = None,
    since: InstantOption = None,
    until: InstantOption = None,
    limit: Annotated[int, typer.Option(metavar="N", help="Hits to show.")] = 20,
    offset: Annotated[int, typer.Option(metavar="N", help="Hits to skip.")] = 0,
    stories: Annotated[
        int, typer.Option(metavar="N", help="Stories closest in meaning to show (0: none, no model loads).")
    ] = 5,
) -> None:
    """Search articles by keywords, the best first, with the matched words in bold; and the stories
    closest in meaning to the query."""
    with _tracker(db, create=False) as tracker:
        try:
            results = tracker.search(
                query,
                outlet=outlet,
                entity=entity,
                story=story_id,
                since=None if since is None else _instant(since),
                until=None if until is None else _instant(until),
                limit=limit,
                offset=offset,
                stories=stories,
            )
        except (BadQuery, EntityNotFound) as exc:
            _fail(str(exc))
    hits = results.hits
    table = Table(title=f"articles {hits.first}–{hits.last} of {hits.total} matching {escape(query)!r}")
    for column in ("id", "title", "outlet", "published", "story", "snippet"):
        table.add_column(column)
    for hit in hits:
        a = hit.article
        table.add_row(
            str(a.id),
            _marked(hit.title),
            escape(a.outlet or ""),
            a.published.isoformat() if a.published else "",
            str(a.story_id or ""),
            _marked(hit.snippet),
        )
    out.print(table)
    if results.stories:
        close = Table(title="stories closest in meaning")
        for column in ("story", "label", "articles", "similarity"):
            close.add_column(column)
        for match in results.stories:
            row = match.story
            close.add_row(str(row.id), escape(row.label), str(row.article_count), f"{match.similarity:.2f}")
        out.print(close)


def _marked(text: Marked) -> str:
    return "".join(f"[bold]{escape(part)}[/]" if matched else escape(part) for part, matched in text.parts)


@_command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="The address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The port to listen on.")] = 8000,
    open_reads: Annotated[
        bool | None,
        typer.Option(
            "--open-reads/--token-reads",
            help="Whether reading needs no token; default: open on loopback, a token elsewhere.",
        ),
    ] = None,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch", help="Poll the watched feeds and folders (POST /api/watch adds one) while serving."
        ),
    ] = False,
    every: Annotated[
        float, typer.Option(min=1, metavar="SECONDS", help="With --watch: seconds between polls of a source.")
    ] = DEFAULT_EVERY,
) -> None:
    """Serve the HTTP API (OpenAPI at /openapi.json) and the web pages. Writes need the token in
    $STORYLINE_TOKEN, or the one printed at start when it is unset; corrections made with it are
    recorded under $STORYLINE_TOKEN_NAME, else a short hash of it."""
    from storyline.interfaces.http.server import run  # the web stack loads only for this command

    location = _location(db)
    try:
        run(
            location,
            host=host,
            port=port,
            open_reads=open_reads,
            say=lambda line: err.print(escape(line), soft_wrap=True),
            watch_every=every if watch else None,
        )
    except StoreError as exc:
        _fail(str(exc))


_BAR_WIDTH = 40


def _coverage_chart(coverage: Coverage) -> Table:
    """Reports per period as horizontal bars, empty periods included so that silences show."""
    table = Table(title=f"coverage per {coverage.period} (UTC)", title_justify="left", box=None)
    for column in (coverage.period, "", "reports", "outlets"):
        table.add_column(column, justify="right" if column in ("reports", "outlets") else "left")
    peak = coverage.peak
    for bucket in coverage.buckets:
        label = bucket.start.strftime("%Y-%m") if coverage.period == "month" else bucket.start.isoformat()
        # A period with any report gets at least one cell, so that one report beside a peak of 300
        # still shows.
        cells = max(1, round(_BAR_WIDTH * bucket.articles / peak)) if bucket.articles else 0
        table.add_row(label, "[cyan]" + "█" * cells + "[/]", str(bucket.articles), str(bucket.outlets))
    if coverage.undated:
        table.add_row("no date", "", str(coverage.undated), "")
    return table


@_command()
def compare(story_id: StoryArgument, db: DbOption = None) -> None:
    """Compare a story's sources: its claim groups with their status (corroborated, single-source,
    conflicting, superseded), their independent origins and why, and the claims of each report."""
    with _tracker(db, create=False) as tracker:
        view = tracker.compare(story_id)
    if view is None:
        _fail(f"no story {story_id}")
    if view.redirected:
        out.print(f"story {view.requested_id} was merged into story {view.story_id}")
    out.print(_comparison_table(view))


def _comparison_table(view: ComparisonView) -> Table:
    table = Table(title=f"{len(view.groups)} claim groups in story {view.story_id}")
    for column in ("group", "status", "when", "reports", "origins", "claim", "sources", "why"):
        table.add_column(column)
    for g in view.groups:
        shown = g.members[0].claim
        sources = ", ".join(
            f"{view.reports[m.article_id].outlet or view.reports[m.article_id].external_id}"
            f" #{m.article_id} [{m.claim.start}:{m.claim.end}]"
            for m in g.members
        )
        why = [*g.folded, *g.conflicts]
        if g.superseded_by is not None:
            why.append(f"superseded by #{g.superseded_by.article_id}: {g.superseded_by.claim.text.strip()}")
        speaker = f" ({shown.speaker})" if shown.speaker else ""
        table.add_row(
            str(g.group),
            g.status.value,
            escape(_when(g.date)),
            str(g.reports),
            f"{len(g.origins)}: " + escape(", ".join(o.name for o in g.origins)),
            escape(shown.text.strip() + speaker),
            escape(sources),
            escape("; ".join(why)),
        )
    return table


class BriefFormat(StrEnum):
    text = "text"
    md = "md"
    json = "json"


@_command()
def brief(
    story_id: StoryArgument,
    db: DbOption = None,
    output_format: Annotated[
        BriefFormat, typer.Option("--format", help="text, md or json.")
    ] = BriefFormat.text,
    order: Annotated[BriefOrder, typer.Option(help="Sentences by importance or chronological.")] = (
        BriefOrder.IMPORTANCE
    ),
    size: Annotated[int, typer.Option(min=1, metavar="N", help="Sentences in the brief.")] = 5,
    changes: Annotated[bool, typer.Option("--changes", help="Also show what each report changed.")] = False,
) -> None:
    """A story's brief: its main facts, each sentence citing its sources (article, outlet,
    offsets), single-source and conflicting facts marked; --changes adds the change log."""
    with _tracker(db, create=False) as tracker:
        view = tracker.brief(story_id, order, size)
        history = tracker.brief_changes(story_id) if changes else None
    if view is None:
        _fail(f"no story {story_id}")
    if output_format is BriefFormat.json:
        record = view.as_dict()
        if history is not None:
            record["changes"] = history.as_records()
        out.print(json_text(record), soft_wrap=True, markup=False, highlight=False)
        return
    markdown = output_format is BriefFormat.md
    out.print(f"{'# ' if markdown else ''}Brief of story {view.story_id}", markup=False)
    for line in _brief_lines(view, markdown):
        out.print(line, soft_wrap=True, markup=False, highlight=False)
    if history is not None:
        out.print(f"{'## ' if markdown else ''}Changes", markup=False)
        for line in _change_lines(history, markdown):
            out.print(line, soft_wrap=True, markup=False, highlight=False)


def _brief_lines(view: BriefView, markdown: bool) -> list[str]:
    lines: list[str] = []
    for number, sentence in enumerate(view.sentences, start=1):
        cites = "; ".join(
            f"{c.outlet or view.reports[c.article_id].external_id} #{c.article_id} [{c.start}:{c.end}]"
            for c in sentence.citations
        )
        marker = "- " if markdown else f"{number}. "
        note = f"*({sentence.note})*" if markdown else f"({sentence.note})"
        when = f"[{_when(sentence.date)}] " if sentence.date else ""
        lines.append(f"{marker}{when}{sentence.text} {note} [{cites}]")
    return lines


def _when(date: FactDate | None) -> str:
    """When a fact happened, as a reader scans it: '2021 (year)', or '2026-02-05 (published)' when
    only its report's publication day dates it."""
    if date is None:
        return ""
    return f"{date.value} ({date.granularity.value if date.stated else 'published'})"


def _change_lines(history: BriefChangesView, markdown: bool) -> list[str]:
    bullet = "- " if markdown else "  "
    lines: list[str] = []
    for state in history.states:
        lines.append(f"{'### ' if markdown else ''}{state.version}. {state.cause}")
        lines += [f"{bullet}+ {g['text']} ({g['status']})" for g in state.changes.get("gained", [])]
        lines += [f"{bullet}- {g['text']} ({g['why']})" for g in state.changes.get("lost", [])]
        lines += [
            f"{bullet}~ {g['text']} ({g['from']} -> {g['to']})" for g in state.changes.get("status", [])
        ]
    return lines
