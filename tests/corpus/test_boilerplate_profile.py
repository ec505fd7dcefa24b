"""A blog's profile line above the page's closing furniture is boilerplate."""

from __future__ import annotations

from newsreader.corpus.boilerplate import find_boilerplate
from newsreader.corpus.paragraphs import find_paragraphs

ARTICLE = (
    "Why Iran was not invited.\n\n"
    "Kerry said it would not be appropriate for Iran to take part in the talks.\n\n"
    "The media has not pointed out how hard a deal will be.\n\n"
)
PROFILE = (
    "Blogging & updating on #Iran related news- focusing on Politics, Human Rights & the "
    "Iranian nuclear Program. Followed by top Middle East Analysts.\n\n"
)
FURNITURE = "Tagged with: , , ,\n\nPosted in Iranian Foreign Relations, Military\n"


def flagged(text: str) -> list[str]:
    return [text[s:e] for s, e in find_boilerplate(text, find_paragraphs(text))]


def test_profile_line_above_closing_furniture() -> None:
    text = ARTICLE + PROFILE + FURNITURE
    assert flagged(text)[0] == PROFILE.strip()


def test_tagged_lines_that_are_the_article_stay() -> None:
    # No furniture closes the page: the hashtag is the article's own.
    assert flagged(ARTICLE + PROFILE) == []
    # A quoted tweet above the furniture is the article's too.
    tweet = "“Proud to stand with #Iran’s people today,” Kerry wrote on Twitter.\n\n"
    assert tweet.strip() not in flagged(ARTICLE + tweet + FURNITURE)
    # A tag that is an anchor or a number is no handle: "#1 priority", "Q&A".
    text = ARTICLE + "Jobs are the #1 priority for voters, he said in a Q&A.\n\n" + FURNITURE
    assert flagged(text) == ["Tagged with: , , ,", "Posted in Iranian Foreign Relations, Military"]
