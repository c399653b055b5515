"""The HTTP API through the front door (httpx against the ASGI app) on both backends: lists, a story
with its timeline, claims and brief, an article, search, exports and feeds; the token on writes;
JSON errors; nothing half-written."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest
from fastapi.testclient import TestClient

from storyline.interfaces.http.schemas import Changes, StoryDocument
from storyline.store import open_store
from storyline.store.records import StoryMergeRow
from storyline.stories.embeddings import HashingEmbedder
from storyline.tracker import Tracker

from .support.http import AUTH, api_client
from .support.paths import SAMPLES
from .support.seeds import PUBLISHED, seed_records


@pytest.fixture
def client(location: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("STORYLINE_EMBEDDER", "hashing")
    with Tracker(location, embedder=HashingEmbedder(), extract_entities=False) as tracker:
        tracker.ingest(SAMPLES)
    with api_client(location) as opened:
        yield opened


def test_stories_come_paged_latest_first_and_export_as_jsonl_and_csv(client: TestClient) -> None:
    page = client.get("/api/stories", params={"limit": 2}).json()
    assert page["total"] > 2 and len(page["items"]) == 2 and page["limit"] == 2
    lines = client.get("/api/stories", params={"format": "jsonl"}).text.splitlines()
    assert len(lines) == page["total"] and json.loads(lines[0])["id"] == page["items"][0]["id"]
    rows = list(csv.DictReader(io.StringIO(client.get("/api/stories", params={"format": "csv"}).text)))
    assert len(rows) == page["total"] and rows[0]["label"] == page["items"][0]["label"]
    kessel = client.get("/api/stories", params={"text": "Kessel"}).json()
    assert kessel["total"] >= 1 and all("kessel" in json.dumps(s).lower() for s in kessel["items"])


@pytest.fixture
def seed_story(location: str, seeds: Path) -> Iterator[tuple[TestClient, int]]:
    """A client over the store of the three seed reports (000 and 004 given published times), and
    the id of the one story they make."""
    with Tracker(location, embedder=HashingEmbedder(), extract_entities=False) as tracker:
        tracker.add(seed_records(seeds, PUBLISHED))
        (story,) = tracker.stories().items
    with api_client(location) as opened:
        yield opened, story.id


def _sentence_holding(article: dict[str, Any], index: int, start: int, end: int) -> bool:
    """Whether the article's sentence ``index`` holds the characters ``[start, end)``."""
    sentence = article["sentences"][index]
    return bool(sentence["start"] <= start < end <= sentence["end"])


def test_a_story_has_its_timeline_claims_and_cited_brief(seed_story: tuple[TestClient, int]) -> None:
    client, story_id = seed_story
    story = client.get(f"/api/stories/{story_id}").json()
    articles = {a["id"]: client.get(f"/api/articles/{a['id']}").json() for a in story["articles"]}
    timeline = story["timeline"]
    assert timeline["story_id"] == story_id and timeline["entries"]
    whens = [entry["when"] for entry in timeline["entries"]]
    assert "2026-02-03" in whens and whens == sorted(whens)
    assert {(d["slot"], d["before"], d["after"]) for d in timeline["developments"]} >= {
        ("custody", "detained", "released")
    }
    for entry in timeline["entries"]:
        for cited in (c for event in entry["events"] for c in event["sentences"]):
            assert articles[cited["article_id"]]["text"][cited["start"] : cited["end"]] == cited["text"]
    groups = story["claims"]["groups"]
    assert groups and {g["status"] for g in groups} <= {
        "corroborated",
        "single-source",
        "conflicting",
        "superseded",
    }
    assert all(len(g["origins"]) >= 1 and g["claims"] for g in groups)
    brief = story["brief"]
    assert brief["story"] == story_id and brief["sentences"] and isinstance(brief["changes"], list)
    for sentence in brief["sentences"]:
        for c in sentence["citations"]:
            assert _sentence_holding(articles[c["article"]], c["sentence"], c["start"], c["end"])
    assert brief["changes"][0]["version"] == 1 and brief["changes"][-1]["articles"]


def test_a_story_part_has_its_own_endpoint_and_follows_merges(
    seed_story: tuple[TestClient, int], location: str
) -> None:
    client, story_id = seed_story
    story = client.get(f"/api/stories/{story_id}").json()
    for part in ("timeline", "claims", "brief"):
        assert client.get(f"/api/stories/{story_id}/{part}").json() == story[part], part
        missing = client.get(f"/api/stories/999999/{part}")
        assert missing.status_code == 404 and "no story" in missing.json()["detail"]
    shorter = client.get(f"/api/stories/{story_id}/brief", params={"size": 1, "order": "chronological"})
    assert len(shorter.json()["sentences"]) == 1 and shorter.json()["order"] == "chronological"
    assert client.get(f"/api/stories/{story_id}/brief", params={"size": 0}).status_code == 422
    record = {"records": [{"id": "other", "text": "The lighthouse keeper painted the lamp room."}]}
    assert client.post("/api/ingest", json=record, headers=AUTH).status_code == 200
    absorbed = client.get("/api/inputs/other").json()["story_id"]
    assert absorbed != story_id
    with open_store(location) as store:
        store.stories.record_merge(StoryMergeRow(absorbed, story_id, datetime.now(UTC), 0.9, "test merge"))
    moved = client.get(f"/api/stories/{absorbed}/brief?size=2", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"] == f"/api/stories/{story_id}/brief?size=2"
    for part in ("timeline", "claims"):
        redirect = client.get(f"/api/stories/{absorbed}/{part}", follow_redirects=False)
        assert redirect.headers["location"] == f"/api/stories/{story_id}/{part}"


def test_the_story_page_shows_the_brief_timeline_and_claim_table(seed_story: tuple[TestClient, int]) -> None:
    client, story_id = seed_story
    page = client.get(f"/stories/{story_id}").text
    brief = client.get(f"/api/stories/{story_id}/brief").json()
    first = brief["sentences"][0]["citations"][0]
    assert f'href="/articles/{first["article"]}#s-{first["sentence"]}"' in page
    assert '<svg class="timeline-strip"' in page and 'class="mark development"' in page
    entries = client.get(f"/api/stories/{story_id}/timeline").json()["entries"]
    assert page.count('<li id="entry-') == len(entries)
    assert 'class="claim-table"' in page and "single-source" in page
    assert 'custody: <span class="before">detained</span>' in page


def test_a_storys_changes_carry_its_brief_states_and_timeline_entries(
    seed_story: tuple[TestClient, int],
) -> None:
    client, story_id = seed_story
    changes = client.get(f"/api/stories/{story_id}/changes", params={"since": "2000-01-01"}).json()
    # The answers are what /openapi.json says they are.
    Changes.model_validate(changes)
    StoryDocument.model_validate(client.get(f"/api/stories/{story_id}").json())
    assert len(changes["articles"]) == 3 and changes["brief_states"]
    assert changes["timeline_entries"] and {e["story"] for e in changes["timeline_entries"]} == {story_id}
    gained = changes["brief_states"][0]["changes"]["gained"]
    assert gained and all(fact["text"] for fact in gained)
    feed = feedparser.parse(client.get(f"/api/stories/{story_id}/atom").content)
    assert not feed.bozo and any("brief, version 1" in entry.title for entry in feed.entries)
    page = client.get(f"/stories/{story_id}").text
    assert '<details class="brief-changes">' in page and f"+ {gained[0]['text']}" in page


def test_a_story_has_its_articles_coverage_times_and_lineage(client: TestClient) -> None:
    story_id = client.get("/api/stories", params={"text": "Kessel"}).json()["items"][0]["id"]
    story = client.get(f"/api/stories/{story_id}").json()
    assert story["story"]["id"] == story_id and len(story["articles"]) >= 2
    assert {"coverage", "duplicate_groups", "entities", "time_expressions", "merges", "splits"} <= set(story)
    assert client.get("/api/stories/999999").status_code == 404


def test_an_article_by_id_and_by_input_id_with_metadata_provenance(client: TestClient) -> None:
    first = client.get("/api/articles", params={"limit": 1}).json()["items"][0]
    article = client.get(f"/api/articles/{first['id']}").json()
    assert article["external_id"] == first["external_id"]
    assert set(article["metadata"]) == {"title", "outlet", "url", "author", "language", "published"}
    assert all("origin" in field for field in article["metadata"].values())
    sentence = article["sentences"][0]
    assert article["text"][sentence["start"] : sentence["end"]].strip()
    by_input = client.get(f"/api/inputs/{first['external_id']}").json()
    assert by_input["id"] == first["id"]
    missing = client.get("/api/articles/999999")
    assert missing.status_code == 404 and "no article" in missing.json()["detail"]


def test_search_gives_ranked_hits_with_marked_parts_and_clear_errors(client: TestClient) -> None:
    found = client.get("/api/search", params={"q": "Kessel", "limit": 3}).json()
    assert found["total"] >= 2 and len(found["items"]) <= 3
    assert any(matched for part, matched in found["highlighted"][0]["snippet"])
    refused = client.get("/api/search", params={"q": "-Kessel"})
    assert refused.status_code == 400 and "nothing to search for" in refused.json()["detail"]
    invalid = client.get("/api/search", params={"q": "Kessel", "limit": "many"})
    assert invalid.status_code == 422 and invalid.json()["detail"]
    unknown = client.get("/api/search", params={"q": "Kessel", "entity": "Nobody Anybody"})
    assert unknown.status_code == 404 and "Nobody Anybody" in unknown.json()["detail"]


def test_atom_feeds_of_a_story_and_a_search(client: TestClient) -> None:
    story_id = client.get("/api/stories", params={"text": "Kessel"}).json()["items"][0]["id"]
    story_feed = feedparser.parse(client.get(f"/api/stories/{story_id}/atom").content)
    assert not story_feed.bozo and len(story_feed.entries) >= 2
    search_feed = feedparser.parse(client.get("/api/search/atom", params={"q": "Kessel"}).content)
    assert not search_feed.bozo and search_feed.entries[0].link.startswith("http://testserver/articles/")


def test_writes_need_the_token_and_a_refused_body_stores_nothing(client: TestClient) -> None:
    runs_before = client.get("/api/runs").json()["total"]
    record = {
        "records": [{"id": "new-1", "title": "Lighthouse keeper retires", "text": "The keeper retired."}]
    }
    assert client.post("/api/ingest", json=record).status_code == 401
    assert (
        client.post("/api/ingest", json=record, headers={"Authorization": "Bearer wrong"}).status_code == 401
    )
    bad_bodies: list[dict[str, object]] = [
        {"records": "not a list"},
        {"records": [1, 2]},
        {"nothing": []},
        {"records": []},
    ]
    for bad in bad_bodies:
        response = client.post("/api/ingest", json=bad, headers=AUTH)
        assert response.status_code in (400, 422) and response.json()["detail"]
    assert client.get("/api/runs").json()["total"] == runs_before
    stored = client.post("/api/ingest", json=record, headers=AUTH)
    assert stored.status_code == 200 and stored.json()["counts"]["new"] == 1
    assert client.get("/api/inputs/new-1").json()["metadata"]["title"]["value"] == "Lighthouse keeper retires"


def test_files_are_ingested_by_upload(client: TestClient) -> None:
    text = "Title: Ferry timetable\n\nThe harbour ferry keeps its winter timetable until April."
    response = client.post("/api/ingest/files", files={"files": ("note.txt", text.encode())}, headers=AUTH)
    assert response.status_code == 200 and response.json()["counts"]["new"] == 1


def test_alias_edits_need_the_token_and_name_a_known_entity(client: TestClient) -> None:
    edit = {"edit": "add", "name": "Nobody Anybody", "other": "N.A."}
    assert client.post("/api/aliases", json=edit).status_code == 401
    unknown = client.post("/api/aliases", json=edit, headers=AUTH)
    assert unknown.status_code == 404 and unknown.json()["detail"]


def test_every_response_carries_the_content_security_policy(client: TestClient) -> None:
    for path in ("/", "/api/stories", "/openapi.json", "/static/style.css"):
        policy = client.get(path).headers["content-security-policy"]
        assert "script-src 'self'" in policy and "default-src 'none'" in policy


def test_the_openapi_document_lists_the_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/stories", "/api/stories/{story_id}", "/api/search", "/api/ingest", "/api/runs"} <= set(
        paths
    )
    parts = {f"/api/stories/{{story_id}}/{part}" for part in ("timeline", "claims", "brief", "changes")}
    assert parts <= set(paths)
    corrections = {f"/api/stories/{{story_id}}/{edit}" for edit in ("merge", "move", "rename")}
    assert corrections | {"/api/mute", "/api/unmute", "/api/watch", "/api/changes"} <= set(paths)
    answer = paths["/api/stories/{story_id}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert answer["schema"]["$ref"].endswith("/StoryDocument")
    described = client.get("/openapi.json").json()["components"]["schemas"]
    assert {"story", "articles", "corrections", "brief"} <= set(described["StoryDocument"]["properties"])


def test_reads_can_need_the_token(location: str) -> None:
    with Tracker(location, embedder=HashingEmbedder(), extract_entities=False) as tracker:
        tracker.add([{"id": "a", "text": "The ferry sailed."}])
    with api_client(location, open_reads=False) as closed:
        assert closed.get("/api/stories").status_code == 401
        assert closed.get("/api/stories", headers=AUTH).status_code == 200


def test_an_absorbed_story_id_redirects_to_the_story_it_went_into(client: TestClient, location: str) -> None:
    into, absorbed = (s["id"] for s in client.get("/api/stories", params={"limit": 2}).json()["items"])
    with open_store(location) as store:
        store.stories.record_merge(StoryMergeRow(absorbed, into, datetime.now(UTC), 0.9, "test merge"))
    api = client.get(f"/api/stories/{absorbed}", follow_redirects=False)
    assert api.status_code == 308 and api.headers["location"] == f"/api/stories/{into}"
    page = client.get(f"/stories/{absorbed}", follow_redirects=False)
    assert page.status_code == 308 and page.headers["location"] == f"/stories/{into}"
    merged = client.get(f"/api/stories/{absorbed}").json()
    assert merged["story"]["id"] == into and merged["merges"][0]["absorbed"] == absorbed


def test_the_story_list_marks_what_changed_since_the_last_visit(client: TestClient) -> None:
    first = client.get("/")
    assert first.status_code == 200 and 'class="changed"' not in first.text  # no visit before
    record = {
        "records": [{"id": "late-1", "title": "Glacier survey", "text": "A satellite survey of the glacier."}]
    }
    assert client.post("/api/ingest", json=record, headers=AUTH).status_code == 200
    second = client.get("/")  # the client sends back the visit's cookie
    assert second.text.count('class="changed"') == 1 and "Glacier survey" in second.text


def test_pages_escape_what_they_show_and_answer_unknown_ids_with_404(client: TestClient) -> None:
    record = {"records": [{"id": "x", "title": "<b>bold</b> & <script>", "text": "Text with <i>tags</i>."}]}
    assert client.post("/api/ingest", json=record, headers=AUTH).status_code == 200
    article_id = client.get("/api/inputs/x").json()["id"]
    page = client.get(f"/articles/{article_id}").text
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;" in page and "<script>" not in page
    assert client.get("/stories/999999").status_code == 404
    assert client.get("/entities/Nobody").status_code == 404
