from __future__ import annotations

from newsreader.corpus.paragraphs import find_paragraphs
from newsreader.corpus.sentences import split_sentences


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, find_paragraphs(text))]


def test_us_is_not_a_sentence_end() -> None:
    text = "While Iran's leader opposed a U.S. request, the U.S. has said it never asked."
    assert sentences(text) == [text]


def test_initialism_before_a_sentence_starter_ends_the_sentence() -> None:
    text = "Talks stalled with the U.S. The next round is in May."
    assert sentences(text) == ["Talks stalled with the U.S.", "The next round is in May."]


def test_initialism_before_a_name_does_not() -> None:
    text = "He met the U.S. Department of State official in Washington, D.C. on Monday."
    assert sentences(text) == [text]


def test_titles_and_initials() -> None:
    text = "Gen. Martin Dempsey spoke. Mr. Obama and John F. Kennedy Jr. were named. Sept. 11 came."
    assert sentences(text) == [
        "Gen. Martin Dempsey spoke.",
        "Mr. Obama and John F. Kennedy Jr. were named.",
        "Sept. 11 came.",
    ]


def test_quotes_close_after_the_full_stop_and_questions_go_on() -> None:
    text = '"We will not cooperate." He left. "Are you sure?" she asked. Then silence.'
    assert sentences(text) == [
        '"We will not cooperate."',
        "He left.",
        '"Are you sure?" she asked.',
        "Then silence.",
    ]


def test_headline_without_full_stop_is_its_own_sentence() -> None:
    text = "Iran Rejects U.S. Bid to Coordinate Against ISIS\n\nIran's leader spoke. He was firm."
    assert sentences(text) == [
        "Iran Rejects U.S. Bid to Coordinate Against ISIS",
        "Iran's leader spoke.",
        "He was firm.",
    ]


def test_hard_wrapped_paragraph_is_one_paragraph() -> None:
    text = (
        "This is a hard wrapped paragraph that goes on for a while and\n"
        "continues on the next line without a blank line between them.\n\nNext."
    )
    paragraphs = find_paragraphs(text)
    assert len(paragraphs) == 2
    assert sentences(text)[0].startswith("This is") and sentences(text)[0].endswith("them.")


def test_single_newlines_separate_scraped_paragraphs() -> None:
    text = "Posted at\nand last updated\n\nBody."
    assert [text[s:e] for s, e in find_paragraphs(text)] == [
        "Posted at",
        "and last updated",
        "Body.",
    ]


def test_ranges_exclude_whitespace_and_index_the_text() -> None:
    text = "  First one.   Second one!  \n\n  Third?  "
    spans = split_sentences(text, find_paragraphs(text))
    assert [text[s:e] for s, e in spans] == ["First one.", "Second one!", "Third?"]


def test_the_number_of_a_list_item_is_not_a_sentence() -> None:
    assert sentences("1. [Reuters reports the talks resume.](http://x)\n\n12. Then more.") == [
        "1. [Reuters reports the talks resume.](http://x)",
        "12. Then more.",
    ]
