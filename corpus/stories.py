"""Grouping articles into stories: the articles that report the same real-world event.

A story is found by text alone unless the corpus says which story an article belongs to (a
``story`` from a metadata table or BASIL's ``triplet-uuid``). By text, an article is a TF-IDF
vector of its words and word pairs (sublinear counts, English stop words) joined with a second,
heavier vector of what tells two events of one kind apart: the names of people and places (words
capitalised inside a sentence, and their runs) and numbers. Words only one article has weigh
less (they lengthen an article without making it like any other). Two articles whose dates lie
more than a few days apart are taken to be less alike (a story is news for days, not months),
and two groups of several articles join only when they are alike to each other in proportion to
how alike each is inside (two look-alike events are each far more alike within).

Scale: no n x n matrix is built. Each article's nearest neighbours are found with sparse dot
products over its strongest rare terms; the pairs that are alike enough join the articles into
connected components, and average-link clustering runs inside each component (whose pairs are
few). An average-link merge needs at least one pair above the threshold, so this finds the same
stories as average-link over the whole corpus whenever the neighbour search finds the pairs above
the threshold. The stages are in :mod:`.grouping`; ``newsreader prepare`` runs the same stages
across the partitions of an archive, so an index holds the stories this module finds.

The defaults were chosen on BASIL (its events by text) and PolNeAR (its 2016 election articles,
which must not be merged wholesale), never per corpus: see ``tests/benchmarks/eval_stories.py``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from hashlib import sha256
from typing import Literal, Protocol

from .grouping import DEFAULTS, Options, cluster, names_and_numbers
from .grouping import date_factor as _date_factor
from .grouping import gated as _gated

__all__ = [
    "DEFAULTS",
    "ArticleLike",
    "By",
    "Options",
    "Story",
    "_date_factor",
    "_gated",
    "cluster_labels",
    "group_stories",
    "labels_from_metadata",
    "names_and_numbers",
    "stories_from_labels",
    "story_id",
]

By = Literal["auto", "text", "metadata"]


class ArticleLike(Protocol):
    """What grouping reads of an article (a :class:`~newsreader.corpus.Document` has it all)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def outlet(self) -> str | None: ...
    @property
    def date(self) -> str | None: ...
    @property
    def story(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Story:
    """One story: its articles (ordered by date, then outlet), a label, outlets and dates.

    ``id`` depends only on the set of article ids, so the same grouping gives the same id on
    every run. ``first``/``last`` are the earliest and latest known dates (ISO ``YYYY-MM-DD``),
    or ``None`` when no article has a date.
    """

    id: str
    label: str
    doc_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    first: str | None
    last: str | None
    source: str = "text"  # "text" or "metadata": how the story was found

    def __len__(self) -> int:
        return len(self.doc_ids)


# ---- public API -----------------------------------------------------------------------------


def group_stories(
    articles: Sequence[ArticleLike], by: By = "auto", options: Options = DEFAULTS
) -> list[Story]:
    """Every article in exactly one story, largest stories first, then by label.

    ``by="metadata"`` uses each article's ``story`` (an article without one is a story of its
    own); ``by="text"`` ignores it; ``by="auto"`` uses metadata when every article has a story
    id, else text.
    """
    if by not in ("auto", "text", "metadata"):
        raise ValueError(f"unknown grouping {by!r}: use text or metadata")
    if by == "auto":
        by = "metadata" if articles and all(a.story for a in articles) else "text"
    if by == "metadata":
        labels = labels_from_metadata(articles)
        source = "metadata"
    else:
        labels = cluster_labels(articles, options)
        source = "text"
    return stories_from_labels(articles, labels, source)


def cluster_labels(articles: Sequence[ArticleLike], options: Options = DEFAULTS) -> list[int]:
    """A cluster number per article (same number, same story), by text and dates only."""
    n = len(articles)
    if n == 0:
        return []
    if n == 1:
        return [0]
    return cluster(articles, options)


def story_id(doc_ids: Iterable[str]) -> str:
    """The id of the story holding exactly these articles: a hash of their sorted ids."""
    digest = sha256("\n".join(sorted(doc_ids)).encode("utf-8")).hexdigest()
    return "st_" + digest[:16]


# ---- stories from labels --------------------------------------------------------------------


def labels_from_metadata(articles: Sequence[ArticleLike]) -> list[int]:
    """A label per article from its ``story`` (an article without one is alone)."""
    numbers: dict[str, int] = {}
    labels: list[int] = []
    for index, article in enumerate(articles):
        key = article.story or f"\0{index}"
        labels.append(numbers.setdefault(key, len(numbers)))
    return labels


def stories_from_labels(
    articles: Sequence[ArticleLike], labels: Sequence[int], source: str = "text"
) -> list[Story]:
    """The stories of ``articles`` given a label per article (same label, same story),
    largest first, then by label; ``source`` says how they were found (text or metadata)."""
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(label, []).append(index)
    stories: list[Story] = []
    for members in groups.values():
        chosen = [articles[i] for i in members]
        ordered = sorted(
            chosen, key=lambda a: (_iso(a.date) or "9999", (a.outlet or "").lower(), a.id)
        )
        dates = sorted(d for d in (_iso(a.date) for a in chosen) if d)
        outlets = sorted({a.outlet for a in chosen if a.outlet}, key=str.lower)
        stories.append(
            Story(
                id=story_id(a.id for a in chosen),
                label=_label(chosen),
                doc_ids=tuple(a.id for a in ordered),
                outlets=tuple(outlets),
                first=dates[0] if dates else None,
                last=dates[-1] if dates else None,
                source=source,
            )
        )
    stories.sort(key=lambda s: (-len(s), s.label.lower(), s.id))
    return stories


def _iso(value: str | None) -> str | None:
    if not value:
        return None
    match = re.match(r"\d{4}-\d{2}-\d{2}", value.strip())
    return match.group() if match else None


def _label(articles: Sequence[ArticleLike]) -> str:
    """The most central title: the one sharing the most words with the story's other titles."""
    titles = [" ".join(a.title.split()) for a in articles]
    if len(titles) <= 2:
        return min(titles, key=lambda t: (-len(t.split()), t)) if titles else ""
    bags = [set(re.findall(r"\w+", t.lower())) for t in titles]
    counts: dict[str, int] = {}
    for bag in bags:
        for word in bag:
            counts[word] = counts.get(word, 0) + 1

    def centrality(index: int) -> float:
        bag = bags[index]
        if not bag:
            return 0.0
        return sum(counts[w] - 1 for w in bag) / math.sqrt(len(bag))

    best = max(range(len(titles)), key=lambda i: (centrality(i), -len(titles[i]), titles[i]))
    return titles[best]


# ---- stories made by hand (corrections) ------------------------------------------------------


def make_story(articles: Sequence[ArticleLike], source: str, label: str | None = None) -> Story:
    """The story holding exactly ``articles`` (at least one), built as grouping builds one: its
    id from the article ids, its articles by date then outlet, its outlets and dates; its label
    is ``label`` when given (a name the user chose), else the most central title."""
    if not articles:
        raise ValueError("a story holds at least one article")
    ordered = sorted(
        articles, key=lambda a: (_iso(a.date) or "9999", (a.outlet or "").lower(), a.id)
    )
    dates = sorted(d for d in (_iso(a.date) for a in articles) if d)
    outlets = sorted({a.outlet for a in articles if a.outlet}, key=str.lower)
    return Story(
        id=story_id(a.id for a in articles),
        label=label if label is not None else _label(articles),
        doc_ids=tuple(a.id for a in ordered),
        outlets=tuple(outlets),
        first=dates[0] if dates else None,
        last=dates[-1] if dates else None,
        source=source,
    )


def story_order(stories: Iterable[Story]) -> list[Story]:
    """``stories`` in the order grouping gives them: largest first, then by label, then id."""
    return sorted(stories, key=lambda s: (-len(s), s.label.lower(), s.id))
