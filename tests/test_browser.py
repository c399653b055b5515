"""The web pages in a real browser (Debian's chromium through Playwright), served by a real
``storyline serve`` over the seeds (000 and 004 given published times), the samples and articles
made to attack the pages: the story of the three seed reports with its brief, timeline strip and
claim table, citation links and sentence anchors, that nothing in an article ever runs, and
screenshots."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page

from storyline.stories.embeddings import HashingEmbedder
from storyline.tracker import Tracker

from .support.browser import chromium, png_distinct_bytes, png_size
from .support.paths import SAMPLES, SEEDS
from .support.seeds import PUBLISHED, seed_records
from .support.server import RunningServer, serving

pytestmark = pytest.mark.slow

SEED_IDS = ("000_b85230806259d9d3.txt", "003_da356aaa87fc9689.txt", "004_e649c01a3f39ea4e.txt")
# Whatever runs sets this; nothing may.
RAN = "window.__storyline_xss"
ATTACKS = [
    {
        "id": "attack-1",
        "title": f"<script>{RAN} = 1</script>Harbour <b>crane</b> collapse",
        "text": f'The harbour crane collapsed <img src=x onerror="{RAN}=2"> at noon. '
        f'Workers <script>{RAN}=3</script> were unhurt. <a href="javascript:{RAN}=4">Broken <i>markup',
        "outlet": f"<svg onload={RAN}=5>Crane Wire",
        "url": f"javascript:{RAN}=6",
        "published": "2026-03-05T10:00:00+00:00",
    },
    {
        "id": "attack-2",
        "title": 'Harbour crane collapse: "><iframe src=javascript:alert(1)>',
        "text": f"The crane collapse at the harbour closed two berths. <body onload={RAN}=7> Inspectors "
        "arrived <style>body{display:none}</style> in the afternoon. </p></div><div onclick=alert(1)>",
        "outlet": "Crane Wire",
        "url": "https://example.org/crane?a=<script>",
        "published": "2026-03-05T12:00:00+00:00",
    },
]


@dataclass(frozen=True)
class Site:
    server: RunningServer
    browser: Browser

    def api(self, path: str) -> dict[str, object]:
        response = httpx.get(f"{self.server.url}{path}", timeout=30)
        response.raise_for_status()
        found: dict[str, object] = response.json()
        return found

    def open(self, path: str) -> Page:
        page = self.browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
        response = page.goto(f"{self.server.url}{path}")
        assert response is not None and response.ok, path
        return page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    location = str(tmp_path_factory.mktemp("browser") / "store.db")
    with Tracker(location, embedder=HashingEmbedder()) as tracker:
        tracker.add(seed_records(SEEDS, PUBLISHED))
        tracker.ingest(SAMPLES)
        tracker.add(ATTACKS)
    with serving(location) as server, chromium() as browser:
        yield Site(server, browser)


def _article(site: Site, input_id: str) -> dict[str, object]:
    return site.api(f"/api/inputs/{input_id}")


def test_the_story_page_shows_one_story_with_the_three_seed_reports(site: Site) -> None:
    seeds = [_article(site, seed) for seed in SEED_IDS]
    story_ids = {seed["story_id"] for seed in seeds}
    assert len(story_ids) == 1
    page = site.open(f"/stories/{story_ids.pop()}")
    linked = {
        page.locator("table.articles a").nth(i).get_attribute("href")
        for i in range(page.locator("table.articles a").count())
    }
    assert {f"/articles/{seed['id']}" for seed in seeds} <= linked
    assert page.locator("svg.coverage-chart rect").count() >= 1
    page.close()


def _seed_story_id(site: Site) -> int:
    story_id = _article(site, SEED_IDS[0])["story_id"]
    assert isinstance(story_id, int)
    return story_id


def _sentence_text(site: Site, article_id: int, index: int) -> str:
    article = site.api(f"/api/articles/{article_id}")
    sentences = article["sentences"]
    assert isinstance(sentences, list)
    return str(article["text"])[sentences[index]["start"] : sentences[index]["end"]]


def _opens_highlighted(page: Page, link: str, wanted: str) -> None:
    """Following the link ``link`` (an href on ``page``) opens its article with the sentence
    ``wanted`` as the highlighted :target."""
    page.locator(f"a[href='{link}']").first.click()
    page.wait_for_url(f"**{link}")
    target = page.locator(":target")
    assert target.inner_text() == wanted, link
    assert target.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.go_back()


def test_the_brief_cites_each_sentence_and_its_links_open_it_highlighted(site: Site) -> None:
    story_id = _seed_story_id(site)
    brief = site.api(f"/api/stories/{story_id}/brief")
    sentences = brief["sentences"]
    assert isinstance(sentences, list) and sentences
    page = site.open(f"/stories/{story_id}")
    shown = page.locator("section.brief li.brief-sentence")
    assert shown.count() == len(sentences)
    for number, sentence in enumerate(sentences):
        item = shown.nth(number)
        assert item.inner_text().startswith(sentence["text"])
        assert item.locator("a.cite").count() == len(sentence["citations"])
        if sentence["status"] in ("single-source", "conflicting"):
            assert item.locator(".status-flag").inner_text() == sentence["status"]
    for sentence in sentences:
        for c in sentence["citations"]:
            wanted = _sentence_text(site, c["article"], c["sentence"])
            assert sentence["text"] in wanted or wanted.strip() in sentence["text"]
            _opens_highlighted(page, f"/articles/{c['article']}#s-{c['sentence']}", wanted)
    page.close()


def _centre(mark: Locator) -> float:
    """The horizontal centre of a drawn mark, to the pixel (a diamond and a circle on one day
    differ by a fraction)."""
    box = mark.bounding_box()
    assert box is not None
    return round(box["x"] + box["width"] / 2)


def test_the_timeline_strip_and_the_claim_table_render(site: Site) -> None:
    story_id = _seed_story_id(site)
    timeline = site.api(f"/api/stories/{story_id}/timeline")
    claims = site.api(f"/api/stories/{story_id}/claims")
    entries, developments, groups = timeline["entries"], timeline["developments"], claims["groups"]
    assert isinstance(entries, list) and isinstance(developments, list) and isinstance(groups, list)
    assert entries and developments and groups
    page = site.open(f"/stories/{story_id}")
    strip = page.locator("svg.timeline-strip")
    assert strip.is_visible() and strip.bounding_box() is not None
    marks = strip.locator(".mark")
    assert marks.count() == sum(1 for e in entries if e["when"][:4].isdigit())
    assert strip.locator(".mark.development").count() >= 1
    centres = [_centre(marks.nth(i)) for i in range(marks.count())]
    assert centres == sorted(centres) and centres[-1] > centres[0]  # placed by date, left to right
    assert page.locator("ol.timeline-entries > li").count() == len(entries)
    assert page.locator("ul.developments li").count() == len(developments)
    first = entries[0]["events"][0]["sentences"][0]
    _opens_highlighted(page, f"/articles/{first['article_id']}#s-{first['sentence']}", first["text"])
    rows = page.locator("table.claim-table tbody tr")
    assert rows.count() == len(groups)
    statuses = [rows.nth(i).locator("td.status").inner_text() for i in range(rows.count())]
    assert statuses == [g["status"] for g in groups]
    page.close()


def test_a_sentence_anchor_opens_that_sentence_highlighted(site: Site) -> None:
    article = _article(site, SEED_IDS[1])
    sentences = article["sentences"]
    assert isinstance(sentences, list) and len(sentences) > 3
    text = str(article["text"])
    wanted = text[sentences[3]["start"] : sentences[3]["end"]]
    page = site.open(f"/articles/{article['id']}#s-3")
    target = page.locator(":target")
    assert target.get_attribute("id") == "s-3" and target.inner_text() == wanted
    plain = page.locator("#s-2").evaluate("e => getComputedStyle(e).backgroundColor")
    assert target.evaluate("e => getComputedStyle(e).backgroundColor") != plain
    page.close()


def test_nothing_in_an_article_runs_on_any_page(site: Site) -> None:
    attack = _article(site, "attack-1")
    story_id = attack["story_id"]
    paths = [
        "/",
        f"/stories/{story_id}",
        f"/articles/{attack['id']}",
        "/search?q=crane",
        "/search?q=%3Cscript%3E",
    ]
    paths.append(f"/articles/{_article(site, 'attack-2')['id']}")
    for path in paths:
        page = site.open(path)
        page.wait_for_load_state("load")
        assert page.evaluate(RAN) is None, path
        assert page.evaluate("document.scripts.length") == 0, path
        assert page.locator("iframe, a[href^='javascript:'], [onerror], [onload], [onclick]").count() == 0, (
            path
        )
        page.close()
    page = site.open(f"/articles/{attack['id']}")
    assert "<script>" in page.locator("h1").inner_text()  # shown as the text it is
    assert page.locator("a", has_text="javascript:").count() == 0  # an unsafe URL is text, not a link
    page.close()


def test_screenshots_of_the_main_pages_are_drawn(site: Site, tmp_path: Path) -> None:
    story_id = _article(site, SEED_IDS[0])["story_id"]
    seed = _article(site, SEED_IDS[1])
    entity = site.api(f"/api/entities?story={story_id}&limit=1")["items"]
    assert isinstance(entity, list) and entity
    pages = {
        "stories": "/",
        "story": f"/stories/{story_id}",
        "article": f"/articles/{seed['id']}#s-1",
        "entity": f"/entities/{entity[0]['id']}",
        "search": "/search?q=whistleblower",
    }
    for name, path in pages.items():
        page = site.open(path)
        shots = [page.screenshot(full_page=False) for _ in range(2)]
        (tmp_path / f"{name}.png").write_bytes(shots[0])
        assert png_size(shots[0]) == png_size(shots[1]) == (1200, 900), name
        assert png_distinct_bytes(shots[0]) > 16, f"{name} looks blank"
        page.close()


def test_an_editor_signs_in_and_renames_a_story_through_its_form(site: Site) -> None:
    """The page's own forms pass the session, Origin and form-token checks in a real browser."""
    story_id = _article(site, "attack-1")["story_id"]
    page = site.open(f"/stories/{story_id}")
    page.locator("a", has_text="Sign in with the token").click()
    page.fill("input[name=token]", site.server.token)
    page.locator("form.sign-in button").click()
    page.wait_for_url(f"**/stories/{story_id}")
    page.fill("form.rename input[name=name]", "Harbour crane collapse")
    page.fill("form.rename input[name=why]", "a plain name")
    page.locator("form.rename button").click()
    page.wait_for_url(f"**/stories/{story_id}")
    assert page.locator("h1").inner_text() == "Harbour crane collapse"
    assert "a plain name" in page.locator("ul.corrections").inner_text()
    page.close()
