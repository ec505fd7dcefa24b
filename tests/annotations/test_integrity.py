"""Quote integrity compares what outlets quote, never the words that attribute the quote."""

from __future__ import annotations

from newsreader.annotations.integrity import compare_quotes, quoted_words, render
from newsreader.annotations.model import DocumentRecord, Group, Span


def span(span_id: str, doc_id: str, text: str, speaker: str) -> Span:
    return Span(
        id=span_id,
        doc_id=doc_id,
        doc_hash="h",
        start=0,
        end=len(text),
        text=text,
        prefix="",
        suffix="",
        label="quote",
        attributes={"speaker": speaker},
    )


def test_quoted_words_leave_the_attribution_out() -> None:
    split = "“It would not be appropriate”, stated Kerry, “for any number of reasons”."
    assert quoted_words(split) == "It would not be appropriate for any number of reasons"
    assert quoted_words('"We are ready," Harf said.') == "We are ready,"
    assert quoted_words("said Kerry: ''We will not.''") == "We will not."
    # A span that starts inside the quotation: the words up to its closing mark.
    assert quoted_words("we will not cooperate,” said Kerry") == "we will not cooperate,"
    # No marks at all: the user selected the quoted words themselves.
    assert quoted_words("we will not cooperate") == "we will not cooperate"
    # An apostrophe is not a quotation mark.
    assert quoted_words("“Iran’s leaders won’t,” Kerry said") == "Iran’s leaders won’t,"


def test_the_diff_of_two_versions_ignores_their_attributions() -> None:
    first = span(
        "s_1",
        "a",
        "“It would not be appropriate for any number of reasons,” Kerry said.",
        "John Kerry",
    )
    second = span(
        "s_2",
        "b",
        "“It would not be appropriate”, stated Kerry, “for any number of reasons”.",
        "Kerry",
    )
    third = span(
        "s_3", "c", "“It would not be right,” said Secretary of State John Kerry.", "Kerry"
    )
    group = Group("g_1", {"s_1": None, "s_2": None, "s_3": "misquote"})
    documents = {d: DocumentRecord(d, f"{d}.txt", "h", outlet=d.upper()) for d in "abc"}
    (comparison,) = compare_quotes(group, {s.id: s for s in (first, second, third)}, documents)
    same, changed = comparison.versions
    assert same.identical  # "stated Kerry" is not a change of the quote
    assert render(changed.changes) == (
        "It would not be [-appropriate for any number of reasons-] {+right+}"
    )
