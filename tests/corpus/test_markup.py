"""Markdown markup ranges: the marks are found, the words are not, offsets are the text's."""

from __future__ import annotations

import itertools

from newsreader.corpus.markup import markup_ranges


def marked(text: str) -> list[str]:
    return [text[s:e] for s, e in markup_ranges(text)]


def test_headings_emphasis_and_link_targets_are_markup() -> None:
    text = "# Kerry speaks\n\nHe said **no** to [the plan](https://example.org/x) today.\n"
    assert marked(text) == ["# ", "**", "**", "[", "](https://example.org/x)"]


def test_lists_quotes_rules_and_closing_hashes() -> None:
    text = "## Title ##\n\n- one\n> quoted\n\n---\n1. first\n"
    assert marked(text) == ["## ", " ##", "- ", "> ", "---", "1. "]


def test_prose_and_snake_case_are_not_markup() -> None:
    text = "A snake_case_name, 3 * 4 = 12, and a [bracket] alone.\n"
    assert marked(text) == []


def test_ranges_are_sorted_disjoint_and_inside_the_text() -> None:
    text = "**bold _and_ more** and `code`\n"
    ranges = markup_ranges(text)
    assert ranges == sorted(ranges)
    assert all(a < b <= c < d for (a, b), (c, d) in itertools.pairwise(ranges))
    assert marked(text) == ["**", "_", "_", "**", "`", "`"]
