"""What the story fit feeds the clusterer: arrival orders (the file order first, then fixed seeded
shuffles), the records as the ingest builds and orders them, and the mixed stream of headlines among
full texts."""

from __future__ import annotations

from fit_stories import arrival_orders, as_ingested, headline_only, ingested_inputs, mixed_stream


def test_file_order_comes_first_then_one_permutation_per_seed() -> None:
    orders = arrival_orders(50, [1, 2])
    assert len(orders) == 3
    assert orders[0] == list(range(50))
    for order in orders[1:]:
        assert sorted(order) == list(range(50))
        assert order != orders[0]
    assert orders[1] != orders[2]


def test_the_same_seed_gives_the_same_order_every_time() -> None:
    # Reported figures (and `bench/clustering.py --shuffle SEED`) must be reproducible.
    assert arrival_orders(50, [7]) == arrival_orders(50, [7])
    assert arrival_orders(50, []) == [list(range(50))]


def test_headline_only_keeps_the_opening_line_and_drops_the_body() -> None:
    record = {
        "id": "x",
        "story": "s",
        "text": "Fire guts Banstead store\nA fire destroyed the shop on Sunday.",
    }
    expected = {"id": "x", "story": "s", "title": "Fire guts Banstead store", "text": None}
    assert headline_only(record) == expected
    # A dateline is no feed's title: the first line with four real words and no date is.
    for dateline in ("Updated 4 / 11 / 2007 1: 26 PM", "Posted on Thu Jun 13, 2013 08: 45 AM PDT"):
        assert headline_only({**record, "text": dateline + "\n" + record["text"]}) == expected
    lead = "A fire destroyed the Waitrose store in Banstead on Sunday. " + "Crews fought it for hours. " * 10
    assert (
        headline_only({"id": "y", "text": lead})["title"]
        == "A fire destroyed the Waitrose store in Banstead on Sunday."
    )


def test_the_mixed_stream_cuts_a_fixed_three_in_ten_by_id_alone() -> None:
    records = [
        {"id": f"doc-{i}", "story": str(i % 7), "text": f"Line {i}\nBody {i} " * 20} for i in range(1000)
    ]
    mixed = mixed_stream(records)
    cut = [m["text"] is None for m in mixed]
    assert 250 < sum(cut) < 350
    assert [m["id"] for m in mixed] == [r["id"] for r in records]
    assert [m["story"] for m in mixed] == [r["story"] for r in records]
    # By id, not by position or label: the same record is cut wherever it stands.
    assert [m["text"] is None for m in mixed_stream(records[::-1])] == cut[::-1]


def test_the_fit_sees_records_as_the_ingest_builds_and_orders_them() -> None:
    body = "The council approved the new budget after a long debate over school funding. " * 4
    records = [
        {"id": "late", "title": "Budget passes", "text": body, "published": "2026-03-03T10:00:00+00:00"},
        {"id": "undated", "title": "Budget reaction", "text": body + "Parents welcomed it."},
        {"id": "empty", "text": "   "},
        {"id": "early", "title": "Budget debate opens", "text": body, "published": "2026-03-01T09:00:00Z"},
    ]
    inputs = ingested_inputs(records)
    assert inputs[2] is None  # the ingest rejects an empty record, so the clusterer never sees it
    assert [item.article_id for item in inputs if item is not None] == [0, 1, 3]
    assert inputs[0] is not None and inputs[0].title == "Budget passes"
    # One batch: dated reports in time order, the undated one after the report it arrived behind.
    assert [item.article_id for item in as_ingested(inputs, [0, 1, 2, 3])] == [3, 0, 1]
    assert [item.article_id for item in as_ingested(inputs, [1, 3, 0])] == [1, 3, 0]
