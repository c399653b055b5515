from storyline.ingest.segment import segment, split_paragraphs


def test_paragraph_spans_exclude_padding() -> None:
    text = "\n\n  First para line.\n\n\n\nSecond one.  \n\n"
    spans = split_paragraphs(text)
    assert [text[s.start : s.end] for s in spans] == ["First para line.", "Second one."]


def test_sentences_index_the_exact_text_and_keep_abbreviations() -> None:
    text = (
        "The U.S. State Department agreed. Mr. Guan said “I’m in a great mood.” Then he left.\n\n"
        "Legal Victory and Path to Asylum\nAsat expressed optimism."
    )
    paragraphs, sentences = segment(text)
    got = [text[s.start : s.end] for s in sentences]
    assert got == [
        "The U.S. State Department agreed.",
        "Mr. Guan said “I’m in a great mood.”",
        "Then he left.",
        "Legal Victory and Path to Asylum",
        "Asat expressed optimism.",
    ]
    assert [s.paragraph for s in sentences] == [0, 0, 0, 1, 1]
    assert len(paragraphs) == 2


def test_empty_text_has_no_sentences() -> None:
    assert segment("   \n\n ") == ((), ())


def test_a_title_at_either_end_of_a_long_or_short_sentence_joins_the_next() -> None:
    # The model splits after 'vs.' and after a bare 'No.'; neither ends a sentence. 'casino.' does.
    text = (
        "The final score of the long match, played before a record crowd at the stadium, was decided "
        "by vs. Later that day it rained.\n\nThey visited the casino. No. It was closed."
    )
    _, sentences = segment(text)
    assert [text[s.start : s.end] for s in sentences] == [
        "The final score of the long match, played before a record crowd at the stadium, was decided "
        "by vs. Later that day it rained.",
        "They visited the casino.",
        "No. It was closed.",
    ]
