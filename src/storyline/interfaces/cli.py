"""The ``storyline`` command: a thin layer over :class:`storyline.tracker.Tracker`.

Exit codes: 0 all inputs handled, 3 partial (some inputs rejected; each was reported on stderr),
1 a fatal error, 2 a usage error.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from storyline import __version__
from storyline.coverage import Coverage
from storyline.store import default_location
from storyline.store.records import ArticleSummary, EntitySummary
from storyline.tracker import BATCH_SIZE, Tracker
from storyline.views import ArticleExport, ArticleView, AssignmentExport, EntityView, IngestReport

EXIT_PARTIAL = 3

app = typer.Typer(
    help="Turn a stream of news articles into de-duplicated, dated, source-compared stories.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)


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
    out, err = Console(), Console(stderr=True)
    if version:
        out.print(f"storyline {__version__}")
        raise typer.Exit()


DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Store location (SQLite file). Default: $STORYLINE_DB or ./storyline.db."),
]


@contextmanager
def _tracker(db: str | None, **options: Any) -> Iterator[Tracker]:
    try:
        tracker = Tracker(db or default_location(), **options)
    except Exception as exc:  # a broken or foreign file must not end in a traceback
        err.print(
            f"[red]error:[/] cannot open store {escape(str(db or default_location()))}: {escape(str(exc))}"
        )
        raise typer.Exit(1) from exc
    try:
        yield tracker
    finally:
        tracker.close()


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (recursive) or - for stdin.")],
    db: DbOption = None,
    batch_size: Annotated[
        int, typer.Option(min=1, help="Inputs per batch: each batch is stored whole or not at all.")
    ] = BATCH_SIZE,
) -> None:
    """Read, clean, de-duplicate and store articles, then assign them to stories."""
    with (
        _tracker(db, batch_size=batch_size) as tracker,
        Progress(
            TextColumn("[bold]ingest"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("records"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar,
    ):
        task = bar.add_task("ingest", total=None)
        try:
            report = tracker.ingest(
                paths,
                stdin=sys.stdin.buffer,
                progress=lambda n: bar.advance(task, n),
                on_wait=lambda message: err.print(f"[yellow]{escape(message)}[/]"),
            )
        except KeyboardInterrupt:
            err.print("[yellow]stopped:[/] every batch stored so far is kept; run the same command to resume")
            raise typer.Exit(130) from None
    for rejection in report.rejections:
        err.print(f"[yellow]rejected[/] {escape(str(rejection))}", soft_wrap=True)
    for warning in report.warnings:
        err.print(f"[yellow]warning[/] {escape(str(warning))}", soft_wrap=True)
    for notice in report.notices:
        err.print(f"[cyan]note[/] {escape(str(notice))}", soft_wrap=True)
    _print_summary(report)
    if report.partial:
        raise typer.Exit(EXIT_PARTIAL)


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


@app.command()
def articles(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="Rows to show.")] = 50,
    offset: Annotated[int, typer.Option(help="Rows to skip.")] = 0,
) -> None:
    """List stored articles."""
    with _tracker(db) as tracker:
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


@app.command()
def article(
    key: Annotated[
        str | None, typer.Argument(help="The id the article's input gave it (a record's id, a file's path).")
    ] = None,
    db: DbOption = None,
    internal_id: Annotated[
        int | None, typer.Option("--id", help="The article's storyline id instead (the 'id' column).")
    ] = None,
) -> None:
    """Show one article: clean text, metadata with provenance, sources and duplicates."""
    if (key is None) == (internal_id is None):
        err.print("[red]error:[/] give an input id, or --id with a storyline id")
        raise typer.Exit(2)
    with _tracker(db) as tracker:
        view = tracker.article(internal_id if internal_id is not None else str(key))
    if view is None:
        asked = f"with id {internal_id}" if internal_id is not None else f"with input id {key}"
        err.print(f"[red]error:[/] no article {escape(asked)}")
        raise typer.Exit(1)
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
        meta.add_row("duplicate group", ", ".join(map(str, group)), similarity)
    for warning in a.warnings:
        meta.add_row("warning", escape(warning), "")
    out.print(meta)
    sources = Table(title="sources")
    for column in ("external id", "read from", "sha256"):
        sources.add_column(column)
    for source in stored.sources:
        sources.add_row(escape(source.external_id), escape(source.locator), source.raw_sha256[:12])
    out.print(sources)
    out.print()
    out.print(escape(a.text), soft_wrap=True)


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


class ExportWhat(StrEnum):
    articles = "articles"
    assignments = "assignments"


@app.command()
def export(
    db: DbOption = None,
    format: Annotated[ExportFormat, typer.Option("--format", help="Output format.")] = ExportFormat.jsonl,
    what: Annotated[
        ExportWhat, typer.Option("--what", help="articles, or assignments (input id → story id).")
    ] = ExportWhat.articles,
) -> None:
    """Write articles (or story assignments) to stdout, one record per line."""
    with _tracker(db) as tracker:
        if what is ExportWhat.assignments:
            _write((r.as_dict() for r in tracker.export_assignments()), AssignmentExport.FIELDS, format)
        else:
            _write((r.as_dict() for r in tracker.export_articles()), ArticleExport.FIELDS, format)


def _write(records: Iterator[dict[str, Any]], fields: tuple[str, ...], fmt: ExportFormat) -> None:
    stream = sys.stdout
    if fmt is ExportFormat.jsonl:
        for record in records:
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    writer = csv.DictWriter(stream, fieldnames=list(fields))
    writer.writeheader()
    # CSV has no lists or objects: those cells hold their JSON.
    writer.writerows(
        {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v for k, v in r.items()}
        for r in records
    )


@app.command()
def stories(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="Rows to show.")] = 50,
) -> None:
    """List stories, the latest news first."""
    with _tracker(db) as tracker:
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


@app.command()
def story(
    story_id: Annotated[int, typer.Argument(help="Story id (an absorbed id redirects).")],
    db: DbOption = None,
) -> None:
    """Show a story: its articles in time order with outlets and duplicate groups."""
    with _tracker(db) as tracker:
        view = tracker.story(story_id)
    if view is None:
        err.print(f"[red]error:[/] no story {story_id}")
        raise typer.Exit(1)
    if view.redirected:
        out.print(f"story {story_id} was merged into story {view.story.id}")
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


@app.command()
def entities(
    story_id: Annotated[
        int | None, typer.Argument(help="A story id (an absorbed id redirects); all stories if left out.")
    ] = None,
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="Rows to show.")] = 50,
) -> None:
    """List the people, organisations and places of a story, or of the whole store."""
    with _tracker(db) as tracker:
        rows = tracker.entities(story_id, limit)
    if rows is None:
        err.print(f"[red]error:[/] no story {story_id}")
        raise typer.Exit(1)
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


@app.command()
def entity(
    name: Annotated[str, typer.Argument(help="Any name of the entity ('DHS', 'Guan'), or its id.")],
    db: DbOption = None,
) -> None:
    """Show one entity: how it is written, its aliases, stories, articles, first and last mention."""
    with _tracker(db) as tracker:
        view = tracker.entity(int(name) if name.isdigit() else name)
    if view is None:
        err.print(f"[red]error:[/] no entity known as {escape(name)}")
        raise typer.Exit(1)
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


alias_app = typer.Typer(help="Correct which names name one entity; the choice survives later ingests.")
app.add_typer(alias_app, name="alias")


def _alias_edit(db: str | None, edit: str, name: str, other: str) -> None:
    with _tracker(db) as tracker:
        try:
            view = getattr(tracker, edit)(name, other)
        except (LookupError, ValueError) as exc:
            err.print(f"[red]error:[/] {escape(str(exc))}")
            raise typer.Exit(1) from exc
    _print_entity(view)


@alias_app.command("add")
def alias_add(
    name: Annotated[str, typer.Argument(help="A name of the entity.")],
    alias: Annotated[str, typer.Argument(help="The name that is to name it too.")],
    db: DbOption = None,
) -> None:
    """ALIAS names the entity known as NAME, in every story (it wins over the rules)."""
    _alias_edit(db, "add_alias", name, alias)


@alias_app.command("split")
def alias_split(
    name: Annotated[str, typer.Argument(help="A name of the entity.")],
    alias: Annotated[str, typer.Argument(help="The name that is not the entity.")],
    db: DbOption = None,
) -> None:
    """ALIAS no longer names the entity known as NAME: it becomes an entity of its own."""
    _alias_edit(db, "split_alias", name, alias)


@alias_app.command("rename")
def alias_rename(
    name: Annotated[str, typer.Argument(help="A name of the entity.")],
    new_name: Annotated[str, typer.Argument(help="The name to show it under.")],
    db: DbOption = None,
) -> None:
    """Show the entity known as NAME as NEW_NAME."""
    _alias_edit(db, "rename_entity", name, new_name)


@app.command()
def runs(db: DbOption = None) -> None:
    """List ingest runs: when, what was read, what each did, and how it ended."""
    with _tracker(db) as tracker:
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
