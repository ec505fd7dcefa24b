"""Grouping articles into stories: look-alike events apart, metadata ids, ids, order, labels."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsreader.corpus.stories import (
    Options,
    Story,
    _date_factor,
    cluster_labels,
    group_stories,
    names_and_numbers,
    story_id,
)


@dataclass(frozen=True)
class Art:
    id: str
    title: str
    text: str
    outlet: str | None = None
    date: str | None = None
    story: str | None = None


def _quake(place: str, region: str, size: str, dead: str, official: str, agency: str) -> str:
    return (
        f"A magnitude {size} earthquake struck near {place} in {region} early on the day, "
        f"killing at least {dead} people and collapsing buildings across the city. "
        f"{official}, who leads the {agency}, said rescue teams were searching the rubble "
        f"in {place} for survivors. Aftershocks rattled {region} through the night, and "
        f"residents of {place} slept outdoors. The {agency} said {dead} deaths were confirmed "
        f"and that hospitals in {region} were overwhelmed. {official} said the toll could rise."
    )


def _arrest(name: str, city: str, charge: str, police: str, lawyer: str) -> str:
    return (
        f"Police in {city} arrested {name} on charges of {charge}, officials said. "
        f"{police}, a spokesman for the {city} police department, said {name} was taken into "
        f"custody without incident. {lawyer}, a lawyer for {name}, said the charges of {charge} "
        f"were baseless and that {name} would plead not guilty in a {city} court."
    )


def _lookalikes() -> tuple[list[Art], dict[str, str]]:
    """Two earthquakes and two arrests, each told by three outlets in their own words."""
    events = {
        "quake-a": [
            _quake("Ambato", "Tungurahua", "7.1", "212", "Maria Quispe", "Civil Defense Office"),
            _quake("Ambato", "Tungurahua", "7.1", "215", "Maria Quispe", "Civil Defense Office"),
            _quake("Ambato", "Tungurahua", "7.0", "212", "Maria Quispe", "Civil Defense Office"),
        ],
        "quake-b": [
            _quake("Van", "Anatolia", "6.4", "48", "Kemal Ozturk", "Disaster Agency"),
            _quake("Van", "Anatolia", "6.4", "51", "Kemal Ozturk", "Disaster Agency"),
            _quake("Van", "Anatolia", "6.3", "48", "Kemal Ozturk", "Disaster Agency"),
        ],
        "arrest-a": [
            _arrest("Jonas Whitfield", "Tulsa", "fraud", "Dale Brooks", "Erin Vance"),
            _arrest("Jonas Whitfield", "Tulsa", "wire fraud", "Dale Brooks", "Erin Vance"),
            _arrest("Jonas Whitfield", "Tulsa", "fraud", "Dale Brooks", "Erin Vance"),
        ],
        "arrest-b": [
            _arrest("Priya Natarajan", "Fresno", "arson", "Luis Ortega", "Sam Keller"),
            _arrest("Priya Natarajan", "Fresno", "arson", "Luis Ortega", "Sam Keller"),
            _arrest("Priya Natarajan", "Fresno", "arson and theft", "Luis Ortega", "Sam Keller"),
        ],
    }
    outlets = ["Daily", "Herald", "Wire"]
    articles: list[Art] = []
    gold: dict[str, str] = {}
    rng = random.Random(7)
    for event, texts in events.items():
        for outlet, text in zip(outlets, texts, strict=True):
            sentences = text.split(". ")
            rng.shuffle(sentences)  # each outlet tells it in its own order
            doc_id = f"{event}-{outlet}"
            articles.append(Art(doc_id, sentences[0][:60], ". ".join(sentences), outlet))
            gold[doc_id] = event
    return articles, gold


def test_look_alike_events_are_told_apart_by_names_places_and_numbers() -> None:
    articles, gold = _lookalikes()
    stories = group_stories(articles, by="text")
    found = sorted(sorted(gold[i] for i in s.doc_ids) for s in stories)
    assert found == sorted([[e] * 3 for e in ("arrest-a", "arrest-b", "quake-a", "quake-b")])


def test_every_article_is_in_exactly_one_story_and_grouping_is_deterministic() -> None:
    articles, _ = _lookalikes()
    first = group_stories(articles, by="text")
    shuffled = list(articles)
    random.Random(3).shuffle(shuffled)
    second = group_stories(shuffled, by="text")
    assert sorted(i for s in first for i in s.doc_ids) == sorted(a.id for a in articles)
    assert [(s.id, s.doc_ids, s.label) for s in first] == [
        (s.id, s.doc_ids, s.label) for s in second
    ]


def test_story_id_is_a_hash_of_the_sorted_article_ids() -> None:
    assert story_id(["b", "a"]) == story_id(["a", "b"])
    assert story_id(["a", "b"]) != story_id(["a", "c"])
    assert story_id(["a"]).startswith("st_")


def test_metadata_story_ids_are_used_when_every_article_has_one() -> None:
    articles, gold = _lookalikes()
    # A metadata grouping that text would never find: quake-a joined with arrest-b.
    odd = {"quake-a": "x", "arrest-b": "x", "quake-b": "y", "arrest-a": "z"}
    tagged = [Art(a.id, a.title, a.text, a.outlet, a.date, odd[gold[a.id]]) for a in articles]
    auto = group_stories(tagged)
    assert [len(s) for s in auto] == [6, 3, 3]
    assert {s.source for s in auto} == {"metadata"}
    by_text = group_stories(tagged, by="text")
    assert [len(s) for s in by_text] == [3, 3, 3, 3]
    # One article without a story id: auto falls back to text.
    partial = [*tagged[:-1], Art("lone", "Lone", tagged[-1].text, "Wire")]
    assert {s.source for s in group_stories(partial)} == {"text"}
    # Forced metadata: the article without an id is a story of its own.
    forced = group_stories(partial, by="metadata")
    assert any(s.doc_ids == ("lone",) for s in forced)


def test_docs_ordered_by_date_then_outlet_and_stories_by_size_then_label() -> None:
    articles = [
        Art("1", "Zebra escapes zoo", "t", "Wire", "2020-01-03", "s1"),
        Art("2", "Zebra escapes the zoo in Ohio", "t", "Daily", "2020-01-02", "s1"),
        Art("3", "Zebra on the loose", "t", "Herald", "2020-01-02", "s1"),
        Art("4", "Budget passes", "t", "Wire", None, "s2"),
        Art("5", "Apple harvest", "t", "Wire", "2021-05-01T10:00:00", "s3"),
    ]
    stories = group_stories(articles, by="metadata")
    assert [s.doc_ids for s in stories] == [("2", "3", "1"), ("5",), ("4",)]
    first = stories[0]
    assert (first.first, first.last) == ("2020-01-02", "2020-01-03")
    assert first.outlets == ("Daily", "Herald", "Wire")
    assert stories[1].first == "2021-05-01"
    assert (stories[2].first, stories[2].last) == (None, None)
    assert first.label == "Zebra escapes zoo"  # its words are in the most other titles


def test_unknown_grouping_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown grouping"):
        group_stories([], by="words")  # type: ignore[arg-type]


def test_empty_and_single() -> None:
    assert group_stories([], by="text") == []
    (only,) = group_stories([Art("a", "A", "Some text here.")], by="text")
    assert isinstance(only, Story) and only.doc_ids == ("a",)


def test_names_and_numbers_keep_names_places_numbers_not_sentence_starts() -> None:
    tokens = names_and_numbers(
        "The chairman said Michael Steele spoke in Kabul on Monday. Steele said 30,000 troops."
    )
    assert "michael_steele" in tokens and "kabul" in tokens and "30,000" in tokens
    assert "the" not in tokens and "monday" not in tokens
    # A sentence-initial word counts only when the text capitalises it inside a sentence too.
    assert tokens.count("steele") == 2
    assert names_and_numbers("Chairman Mao. The chairman spoke.") == ["mao"]
    # A possessive names the same person.
    assert names_and_numbers("It was Anna Berg’s plan, Berg's aides said.") == [
        "anna",
        "berg",
        "anna_berg",
        "berg",
    ]


def test_date_factor_penalises_articles_far_apart_only() -> None:
    import numpy as np

    options = Options()
    close = _date_factor(np.array([100.0]), np.array([103.0]), options)[0]
    far = _date_factor(np.array([100.0]), np.array([500.0]), options)[0]
    unknown = _date_factor(np.array([100.0]), np.array([float("nan")]), options)[0]
    assert close == 1.0 and unknown == 1.0
    assert options.date_penalty <= far < 0.25
    # Six weeks apart (a look-alike event, not a story of days): a third of the likeness.
    weeks = _date_factor(np.array([100.0]), np.array([145.0]), options)[0]
    assert weeks < 0.35


def test_large_components_are_split_and_still_cover_every_article() -> None:
    articles, gold = _lookalikes()
    labels = cluster_labels(articles, Options(max_component=2))
    assert len(labels) == len(articles)
    # Splitting raises the bar inside a component: nothing from two events is joined.
    groups: dict[int, set[str]] = {}
    for article, label in zip(articles, labels, strict=True):
        groups.setdefault(label, set()).add(gold[article.id])
    assert all(len(events) == 1 for events in groups.values())


def _bcubed(gold: list[str], predicted: list[str]) -> float:
    from collections import Counter

    pairs = Counter(zip(gold, predicted, strict=True))
    g, p = Counter(gold), Counter(predicted)
    precision = sum(pairs[(a, b)] / p[b] for a, b in zip(gold, predicted, strict=True))
    recall = sum(pairs[(a, b)] / g[a] for a, b in zip(gold, predicted, strict=True))
    precision, recall = precision / len(gold), recall / len(gold)
    return 2 * precision * recall / (precision + recall)


@pytest.mark.slow
def test_basil_events_found_by_text(shared: Path) -> None:
    from newsreader.corpus.loaders import list_paths

    result = list_paths([shared / "corpora" / "basil" / "articles"])
    assert len(result.documents) == 300
    stories = group_stories(result.documents, by="text")
    predicted = {doc_id: s.id for s in stories for doc_id in s.doc_ids}
    gold = [json.loads(Path(d.path).read_text())["triplet-uuid"] for d in result.documents]
    assert _bcubed(gold, [predicted[d.id] for d in result.documents]) >= 0.97


def test_name_gate_reduces_pairs_alike_in_words_but_not_in_names() -> None:
    import numpy as np

    from newsreader.corpus.stories import _gated

    options = Options(name_gate=0.2)
    joined = np.array([0.6, 0.6, 0.6, 0.6])
    names = np.array([0.0, 0.05, 0.3, 0.0])
    has = np.array([True, True, True, False])
    out = _gated(joined, names, has, np.array([True] * 4), options)
    assert out[0] == 0.0  # no name in common: a look-alike event
    assert out[1] == pytest.approx(0.6 / 64)  # a quarter of the gate: names decide
    assert out[2] == 0.6 and out[3] == 0.6  # names alike enough, or an article without names
    soft = _gated(joined, names, has, np.array([True] * 4), Options(name_gate_power=0.5))
    assert soft[1] == pytest.approx(0.6 * 0.5)  # the square root of the shortfall


def test_two_articles_with_the_same_words_and_other_names_stay_apart() -> None:
    body = (
        "{a} said on Tuesday that the council of {p} would vote on the new budget plan, which "
        "cuts school funding and raises fees. {b}, the mayor of {p}, opposed it. Residents of "
        "{p} protested outside the hall, and {a} said the vote would go ahead."
    )
    one = body.format(a="Hannah Voss", b="Peter Lind", p="Ravensburg")
    two = body.format(a="Omar Haddad", b="Lucia Ferri", p="Tarragona")
    articles = [
        Art("1", "Budget vote", one, "Daily"),
        Art("2", "Budget vote", one.replace("Tuesday", "Monday"), "Wire"),
        Art("3", "Budget vote", two, "Daily"),
        Art("4", "Budget vote", two.replace("Tuesday", "Monday"), "Wire"),
    ]
    # The gate alone (the cohesion check off) keeps them apart; without either, one story.
    gated = cluster_labels(articles, Options(cohesion_ratio=0))
    assert gated[0] == gated[1] and gated[2] == gated[3] and gated[0] != gated[2]
    assert len(set(cluster_labels(articles, Options(cohesion_ratio=0, name_gate=0)))) == 1
