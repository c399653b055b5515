"""A story's claims as the store holds them, compared: what the facade, the brief and the stage read."""

from __future__ import annotations

from dataclasses import dataclass, replace

from storyline.claims.compare import GroupComparison, Member, Report, compare_groups, fact_date
from storyline.store import Store
from storyline.store.records import StoredClaim


@dataclass(frozen=True, slots=True)
class StoryClaims:
    """A story's reports (by article id), its claims and its compared claim groups."""

    story_id: int
    reports: dict[int, Report]
    claims: list[StoredClaim]
    groups: list[GroupComparison]


def story_claims(
    store: Store, story_id: int, claims: list[StoredClaim] | None = None, *, dated: bool = True
) -> StoryClaims:
    """Read and compare a story's claim groups; ``claims`` are the story's, when the caller has just
    read them. A claim not grouped (a story of one report groups nothing) is a group of its own.
    ``dated`` reads the story's time expressions to give each group when its fact happened (the
    claim stage, recording the brief by importance, has no use for it)."""
    articles = store.stories.articles(story_id)
    credits = store.claims.credits([a.id for a in articles])
    reports = {
        a.id: Report(a.id, a.external_id, a.outlet, a.published, a.duplicate_of, credits.get(a.id))
        for a in articles
    }
    if claims is None:
        claims = store.claims.for_story(story_id)
    members: dict[int, list[Member]] = {}
    alone = max((c.group for c in claims if c.group is not None), default=-1)
    for stored in claims:
        if stored.article_id not in reports:
            continue
        if stored.group is None:
            alone += 1
        group = alone if stored.group is None else stored.group
        members.setdefault(group, []).append(Member(stored.article_id, stored.index, stored.claim))
    groups = compare_groups(members, reports)
    if dated:
        expressions = store.time_expressions.for_articles(list(reports))
        groups = [replace(g, date=fact_date(g.members, reports, expressions)) for g in groups]
    return StoryClaims(story_id, reports, claims, groups)
