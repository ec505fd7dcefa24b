from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.corpus.paragraphs import find_paragraphs
from newsreader.corpus.sentences import split_sentences
from tests.benchmarks.sentences_v1 import split_sentences as split_v1


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


# ---- linear time, same boundaries as before -------------------------------------------------

_ALPHABET = st.sampled_from(
    [
        "U.S.", "Gen.", "Mr.", "Sept.", "No.", "F.", "Inc.", "a", "The", "He", "said", "1",
        "12", "1234", ".", "...", "!", "?", "\u2026", '"', "'", "\u201c", "\u201d", "\u2019",
        "(", ")", "[", "]", " ", " ", " ", "\n", "\t", "-", "&", "_", "é", "\u00a0",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_the_linear_splitter_draws_the_old_boundaries(text: str) -> None:
    paragraphs = find_paragraphs(text)
    assert split_sentences(text, paragraphs) == split_v1(text, paragraphs)


def test_a_two_mebibyte_paragraph_of_abbreviations_splits() -> None:
    # The old splitter rescanned the paragraph before every full stop: this took hours.
    text = "Talks stalled with the U.S. The Gen. Smith said 1. No. 5 came. " * 33_000
    spans = split_sentences(text, [(0, len(text))])
    assert len(spans) == 3 * 33_000
    assert [text[s:e] for s, e in spans[-3:]] == [
        "Talks stalled with the U.S.",
        "The Gen. Smith said 1.",
        "No. 5 came.",
    ]


def test_hostile_runs_split_without_rescanning() -> None:
    size = 1 << 20
    assert split_sentences("." * size, [(0, size)]) == [(0, size)]
    text = "A." * (size // 2) + " The"
    assert split_sentences(text, [(0, len(text))]) == [
        (0, len(text) - 4),
        (len(text) - 3, len(text)),
    ]
    text = ". " * (size // 2)
    assert split_sentences(text, [(0, len(text))]) == [(0, len(text) - 1)]
