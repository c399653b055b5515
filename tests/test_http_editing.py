"""Editors' corrections through the HTTP API and the story page's forms, on both backends: the
token (or the signed-in session and the form token) on every write, each correction recorded under
the token's label with its why and shown in the story's lineage, clear 4xx on bad input, and posts
from another site refused."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from storyline.stories.embeddings import HashingEmbedder
from storyline.tracker import Tracker

from .support.curation import quake_record
from .support.http import AUTH, TOKEN, fast_client


def _quakes(location: str) -> None:
    """Story 1 holds both reports of the first earthquake (a2 from Beta Times), story 2 the other's."""
    with Tracker(
        location, embedder=HashingEmbedder(), extract_entities=False, compare_sources=False
    ) as tracker:
        tracker.add([quake_record("a1", 2), quake_record("a2", 3, "Beta Times"), quake_record("b1", 9)])


@pytest.fixture
def client(location: str) -> Iterator[TestClient]:
    _quakes(location)
    with fast_client(location, token_name="newsdesk") as opened:
        yield opened


def _article_ids(client: TestClient, story_id: int) -> list[int]:
    return [a["id"] for a in client.get(f"/api/stories/{story_id}").json()["articles"]]


def test_corrections_need_the_token_and_are_recorded_under_its_name(client: TestClient) -> None:
    for path, body in (
        ("/api/stories/1/rename", {"name": "Valdoria earthquake"}),
        ("/api/stories/1/merge", {"other": 2}),
        ("/api/stories/1/move", {"articles": [2]}),
        ("/api/mute", {"outlet": "Beta Times"}),
    ):
        refused = client.post(path, json=body)
        assert refused.status_code == 401 and "token" in refused.json()["detail"], path
    renamed = client.post(
        "/api/stories/1/rename", json={"name": "Valdoria earthquake", "why": "its name"}, headers=AUTH
    )
    assert renamed.status_code == 200 and renamed.json()["story"]["label"] == "Valdoria earthquake"
    (correction,) = renamed.json()["corrections"]
    assert correction | {"id": 0, "at": ""} == correction | {
        "id": 0,
        "at": "",
        "action": "rename",
        "by": "newsdesk",
        "why": "its name",
        "story_id": 1,
        "name": "Valdoria earthquake",
    }
    assert TOKEN not in renamed.text
    moved = client.post("/api/stories/1/move", json={"articles": ["a2"], "why": "another desk"}, headers=AUTH)
    new_story = moved.json()["story"]["id"]
    assert moved.status_code == 200 and _article_ids(client, new_story) == [2]
    assert _article_ids(client, 1) == [1]
    merged = client.post("/api/stories/2/merge", json={"other": 1, "why": "one quake"}, headers=AUTH)
    assert merged.status_code == 200 and merged.json()["story"]["id"] == 1
    assert sorted(_article_ids(client, 1)) == [1, 3]
    lineage = client.get("/api/stories/1").json()
    assert [m["absorbed"] for m in lineage["merges"]] == [2]
    assert {c["action"] for c in lineage["corrections"]} >= {"rename", "move", "merge"}
    assert client.get("/api/stories/2", follow_redirects=False).status_code == 308


def test_bad_corrections_are_clear_4xx_and_change_nothing(client: TestClient) -> None:
    cases: list[tuple[str, dict[str, object], int, str]] = [
        ("/api/stories/99/rename", {"name": "Nowhere"}, 404, "no story 99"),
        ("/api/stories/1/rename", {"name": "   "}, 400, "empty"),
        ("/api/stories/1/rename", {"name": ""}, 422, ""),
        ("/api/stories/1/merge", {"other": 99}, 404, "no story 99"),
        ("/api/stories/1/move", {"articles": [3]}, 400, "not in story 1"),
        ("/api/stories/1/move", {"articles": ["nothing-like-it"]}, 404, "no article"),
        ("/api/stories/1/move", {"articles": []}, 422, ""),
        ("/api/mute", {"article": 99}, 404, "no article 99"),
        ("/api/mute", {}, 400, "an article or an outlet"),
        ("/api/mute", {"article": 1, "outlet": "Beta Times"}, 400, "an article or an outlet"),
    ]
    for path, body, status, detail in cases:
        response = client.post(path, json=body, headers=AUTH)
        assert response.status_code == status and detail in str(response.json()["detail"]), (path, body)
    story = client.get("/api/stories/1").json()
    assert story["corrections"] == [] and story["story"]["article_count"] == 2


def test_muting_an_outlet_leaves_its_articles_out_until_unmuted(client: TestClient) -> None:
    muted = client.post("/api/mute", json={"outlet": "beta times", "why": "unreliable"}, headers=AUTH)
    assert muted.json() == {"article": None, "outlet": "beta times", "muted": True, "changed": True}
    assert _article_ids(client, 1) == [1]
    again = client.post("/api/mute", json={"outlet": "Beta Times"}, headers=AUTH)
    assert again.json()["changed"] is False
    assert client.post("/api/unmute", json={"outlet": "Beta Times"}, headers=AUTH).json()["changed"]
    assert _article_ids(client, 1) == [1, 2]


def _form_token(page: str) -> str:
    found = re.search(r'name="form_token" value="([0-9a-f]+)"', page)
    assert found, "no form token on the page"
    return found.group(1)


def _sign_in(client: TestClient) -> str:
    """Sign in through the page; the story page's form token."""
    assert "Sign in with the token" in client.get("/stories/1").text
    wrong = client.post("/sign-in", data={"token": "wrong", "next": "/stories/1"})
    assert wrong.status_code == 401 and "That is not the token" in wrong.text
    signed = client.post("/sign-in", data={"token": TOKEN, "next": "/stories/1"}, follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/stories/1"
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and TOKEN not in cookie
    return _form_token(client.get("/stories/1").text)


def test_an_editor_signs_in_and_corrects_a_story_through_the_page_forms(client: TestClient) -> None:
    form_token = _sign_in(client)
    merged = client.post(
        "/stories/1/merge",
        data={"other": "2", "why": "one <b>quake</b>", "form_token": form_token},
        follow_redirects=False,
    )
    assert merged.status_code == 303 and merged.headers["location"] == "/stories/1"
    page = client.get("/stories/1").text
    assert client.get("/api/stories", params={"limit": 10}).json()["total"] == 1
    assert "merge of story 2 into 1 by newsdesk: one &lt;b&gt;quake&lt;/b&gt;" in page
    renamed = client.post("/stories/1/rename", data={"name": "Valdoria earthquake", "form_token": form_token})
    assert renamed.status_code == 200 and '<h1 class="story-title">Valdoria earthquake</h1>' in renamed.text
    moved = client.post(
        "/stories/1/move", data={"articles": ["3"], "why": "other quake", "form_token": form_token}
    )
    assert "move of articles 3 out of story 1" in moved.text
    muted = client.post(
        "/stories/1/mute", data={"action": "mute", "outlet": "Beta Times", "form_token": form_token}
    )
    assert muted.status_code == 200 and 'href="/articles/2"' not in muted.text.split("Muted here")[0]
    # Where it was muted: the outlet is listed with its mute and a button that unmutes it.
    assert 'class="muted-outlet">outlet Beta Times, 1 article of this story' in muted.text
    assert '<input type="hidden" name="outlet" value="Beta Times">' in muted.text
    (shown,) = client.get("/api/stories/1").json()["muted_outlets"]
    assert shown["outlet"] == "Beta Times" and shown["muted"]["action"] == "mute"
    unmuted = client.post(
        "/stories/1/mute", data={"action": "unmute", "article": "2", "form_token": form_token}
    )
    assert unmuted.status_code == 200 and "Muted here" in unmuted.text  # its outlet is muted still
    back = client.post(
        "/stories/1/mute", data={"action": "unmute", "outlet": "Beta Times", "form_token": form_token}
    )
    assert 'href="/articles/2"' in back.text and "Muted here" not in back.text
    empty = client.post("/stories/1/rename", data={"name": " ", "form_token": form_token})
    assert empty.status_code == 400 and "empty" in empty.text and "<html" in empty.text
    signed_out = client.post("/sign-out", follow_redirects=False)
    assert signed_out.status_code == 303
    assert client.post("/stories/1/rename", data={"name": "X", "form_token": form_token}).status_code == 401


def test_a_post_from_another_site_is_refused(client: TestClient) -> None:
    form_token = _sign_in(client)
    rename = {"name": "Hijacked", "form_token": form_token}
    for origin in ("https://attacker.example", "null"):
        refused = client.post("/stories/1/rename", data=rename, headers={"Origin": origin})
        assert refused.status_code == 403 and "another site" in refused.text, origin
    no_form_token = client.post("/stories/1/rename", data={"name": "Hijacked"})
    assert no_form_token.status_code == 403
    same_site = client.post(
        "/stories/1/rename", data=rename, headers={"Origin": "http://testserver"}, follow_redirects=False
    )
    assert same_site.status_code == 303
    assert client.get("/api/stories/1").json()["story"]["label"] == "Hijacked"


def test_with_reads_closed_the_session_cookie_lets_the_pages_read(location: str) -> None:
    _quakes(location)
    with fast_client(location, open_reads=False) as client:
        refused = client.get("/stories/1")
        assert refused.status_code == 401 and 'href="/sign-in?next=/stories/1"' in refused.text
        assert client.get("/sign-in").status_code == 200
        client.post("/sign-in", data={"token": TOKEN, "next": "/stories/1"})
        assert client.get("/stories/1").status_code == 200
        assert client.get("/api/stories/1").status_code == 200
        (correction,) = client.post("/api/stories/1/rename", json={"name": "Quake"}, headers=AUTH).json()[
            "corrections"
        ]
        assert re.fullmatch(r"token-[0-9a-f]{8}", correction["by"])
