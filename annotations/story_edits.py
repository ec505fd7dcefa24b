"""Stories the user corrects: move an article, split, merge or rename a story.

A grouping into stories (:mod:`newsreader.corpus.stories`) is computed; the user's corrections
are kept in the store as *pins* (:class:`StoryPin`): a set of article ids that belong together in
one story, with the name the user gave it, if any. No article is in two pins. A correction is
one edit of the pins, so it is journaled and undone like any other edit.

Pins are applied on top of any grouping (:func:`apply_pins`), so they survive a new grouping (by
text or by metadata, or of a corpus with more articles):

- the pinned articles of one pin make one story, named as the user named it;
- every other article stays in the story the grouping gave it, without the pinned articles;
- but when one pin holds more of a computed story's articles than any other pin does, and more
  than the story has unpinned articles, those unpinned articles join that pin's story: a new
  article that the grouping puts with a story the user corrected goes into the corrected story,
  while the articles left behind by one article moved away stay where they were.

An intent (:func:`plan_move`, :func:`plan_split`, :func:`plan_merge`, :func:`plan_rename`) reads
the stories as they are now (:class:`CorrectedStories`) and returns the pins to write; it never
touches the store itself, so it is tested without one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from newsreader.corpus.stories import Story, make_story, story_order

from .model import new_id

if TYPE_CHECKING:
    from newsreader.corpus.stories import ArticleLike

    from .store import Store

CORRECTED = "corrected"
"""The ``source`` of a story that holds pinned articles."""


class StoryEditError(ValueError):
    """A story correction that cannot be made; the message says why in the user's words."""


@dataclass(frozen=True)
class StoryPin:
    """Articles (by id) the user put together in one story, and its name (None: the computed
    label). ``docs`` may name articles the corpus being grouped does not hold."""

    id: str
    docs: tuple[str, ...]
    label: str | None = None

    def to_record(self) -> dict[str, Any]:
        return {"id": self.id, "docs": list(self.docs), "label": self.label}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> StoryPin:
        label = record.get("label")
        return cls(str(record["id"]), tuple(str(d) for d in record["docs"]), label or None)


def new_pin(docs: Iterable[str], label: str | None = None) -> StoryPin:
    """A pin with a fresh id."""
    return StoryPin(new_id("sp"), tuple(sorted(set(docs))), label)


@dataclass
class CorrectedStories:
    """Stories with the user's corrections applied: ``stories`` in grouping order, the pin
    behind each corrected story (``pin_of``: story id → pin id) and every pin by id."""

    stories: list[Story]
    pin_of: dict[str, str] = field(default_factory=dict)
    pins: dict[str, StoryPin] = field(default_factory=dict)

    def story(self, story_id: str) -> Story:
        """The story with this id; StoryEditError when there is none (it changed)."""
        for story in self.stories:
            if story.id == story_id:
                return story
        raise StoryEditError("That story is no longer there (the stories changed); try again.")

    def story_of(self, doc_id: str) -> Story:
        """The story holding the article ``doc_id``."""
        for story in self.stories:
            if doc_id in story.doc_ids:
                return story
        raise StoryEditError(f"The article {doc_id} is in no story.")

    def pin_holding(self, doc_id: str) -> StoryPin | None:
        """The pin that names ``doc_id``, if any."""
        for pin in self.pins.values():
            if doc_id in pin.docs:
                return pin
        return None

    def story_ids(self) -> dict[str, str]:
        """Each article's story id."""
        return {doc_id: story.id for story in self.stories for doc_id in story.doc_ids}


def apply_pins(
    stories: Sequence[Story],
    pins: Sequence[StoryPin],
    articles: Mapping[str, ArticleLike],
) -> CorrectedStories:
    """``stories`` (a computed grouping) with the user's ``pins`` applied (see the module's
    rules). ``articles`` gives each article of the stories by id. Every article of ``stories``
    ends in exactly one story; pinned articles the stories do not hold are left out."""
    present = {doc_id for story in stories for doc_id in story.doc_ids}
    pin_of_doc: dict[str, str] = {}
    order = {pin.id: n for n, pin in enumerate(pins)}
    for pin in pins:
        for doc_id in pin.docs:
            if doc_id in present:
                pin_of_doc.setdefault(doc_id, pin.id)
    if not pin_of_doc:
        return CorrectedStories(list(stories), {}, {p.id: p for p in pins})
    joined: dict[str, list[str]] = {pin.id: [] for pin in pins}
    kept: list[Story] = []
    for story in stories:
        pinned = Counter(pin_of_doc[d] for d in story.doc_ids if d in pin_of_doc)
        if not pinned:
            kept.append(story)
            continue
        free = [d for d in story.doc_ids if d not in pin_of_doc]
        if not free:
            continue
        ranked = sorted(pinned.items(), key=lambda kv: (-kv[1], order[kv[0]]))
        top, count = ranked[0]
        if count > len(free) and (len(ranked) == 1 or ranked[1][1] < count):
            joined[top].extend(free)
        else:
            kept.append(make_story([_article(articles, d) for d in free], story.source))
    pin_of: dict[str, str] = {}
    for pin in pins:
        docs = [d for d in pin.docs if pin_of_doc.get(d) == pin.id] + joined[pin.id]
        if not docs:
            continue
        story = make_story([_article(articles, d) for d in docs], CORRECTED, pin.label)
        pin_of[story.id] = pin.id
        kept.append(story)
    return CorrectedStories(story_order(kept), pin_of, {p.id: p for p in pins})


def _article(articles: Mapping[str, ArticleLike], doc_id: str) -> ArticleLike:
    """The article ``doc_id``, or a stand-in without title, outlet or date when ``articles``
    lacks it (an index whose articles are read on demand)."""
    found = articles.get(doc_id)
    return found if found is not None else KeptArticle(doc_id, "", None, None)


# ---- the intents ------------------------------------------------------------------------------

Plan = tuple[str, dict[str, StoryPin | None]]
"""What an intent writes: a label for the history, and the pins to put (None: delete)."""


def _pin_for(current: CorrectedStories, story: Story) -> StoryPin:
    """The pin of ``story`` holding all its articles (a new one when it has none)."""
    pin_id = current.pin_of.get(story.id)
    if pin_id is None:
        return new_pin(story.doc_ids)
    pin = current.pins[pin_id]
    return StoryPin(pin.id, tuple(sorted({*pin.docs, *story.doc_ids})), pin.label)


def _without(pin: StoryPin, docs: Collection[str]) -> StoryPin | None:
    left = tuple(d for d in pin.docs if d not in docs)
    return StoryPin(pin.id, left, pin.label) if left else None


def plan_move(current: CorrectedStories, doc_id: str, target_id: str) -> Plan:
    """Move the article ``doc_id`` into the story ``target_id``."""
    source = current.story_of(doc_id)
    target = current.story(target_id)
    if source.id == target.id:
        raise StoryEditError("The article is already in that story.")
    changes: dict[str, StoryPin | None] = {}
    old = current.pin_holding(doc_id)
    if old is not None:
        changes[old.id] = _without(old, {doc_id})
    pin = _pin_for(current, target)
    changes[pin.id] = StoryPin(pin.id, tuple(sorted({*pin.docs, doc_id})), pin.label)
    return f"move an article to the story {target.label!r}", changes


def plan_split(current: CorrectedStories, story_id: str, take_out: Collection[str]) -> Plan:
    """Take the articles ``take_out`` out of the story ``story_id`` into a new story."""
    story = current.story(story_id)
    out = set(take_out)
    if not out:
        raise StoryEditError("Choose the articles to take out of the story.")
    if not out <= set(story.doc_ids):
        raise StoryEditError("Only articles of the story can be taken out of it.")
    if out >= set(story.doc_ids):
        raise StoryEditError("Leave at least one article in the story.")
    pin = _pin_for(current, story)
    left = _without(pin, out)
    assert left is not None  # the story keeps an article
    taken = new_pin(out)
    return (
        f"split {len(out)} articles out of the story {story.label!r}",
        {pin.id: left, taken.id: taken},
    )


def plan_merge(current: CorrectedStories, story_id: str, other_id: str) -> Plan:
    """Merge the story ``other_id`` into the story ``story_id`` (its name wins, if any)."""
    story = current.story(story_id)
    other = current.story(other_id)
    if story.id == other.id:
        raise StoryEditError("Choose another story to merge with.")
    first = _pin_for(current, story)
    second = _pin_for(current, other)
    label = first.label or second.label
    merged = StoryPin(first.id, tuple(sorted({*first.docs, *second.docs})), label)
    changes: dict[str, StoryPin | None] = {first.id: merged}
    if second.id in current.pins:
        changes[second.id] = None
    return f"merge the stories {story.label!r} and {other.label!r}", changes


def plan_rename(current: CorrectedStories, story_id: str, name: str) -> Plan:
    """Give the story ``story_id`` the name ``name`` (blank: back to its computed label)."""
    story = current.story(story_id)
    name = " ".join(name.split())
    pin = _pin_for(current, story)
    if (pin.label or "") == name:
        raise StoryEditError(
            "The story already has that name." if name else "The story has no name to clear."
        )
    what = f"rename the story {story.label!r} to {name!r}" if name else "clear a story's name"
    return what, {pin.id: StoryPin(pin.id, pin.docs, name or None)}


def correct(store: Store, plan: Plan) -> bool:
    """Write ``plan`` to the store as one edit; False when it changed nothing."""
    label, pins = plan
    return store.correct_stories(label, pins)


# ---- a grouping kept in the store (for export and coverage) -----------------------------------


@dataclass(frozen=True)
class KeptArticle:
    """What a kept grouping remembers of an article (enough to rebuild its stories)."""

    id: str
    title: str
    outlet: str | None
    date: str | None
    text: str = ""
    story: str | None = None


def grouping_record(
    stories: Sequence[Story], articles: Mapping[str, ArticleLike], by: str
) -> dict[str, Any]:
    """The record :meth:`Store.record_grouping` keeps: the computed stories (before the
    user's corrections) and each article's title, outlet and date."""
    return {
        "by": by,
        "stories": [
            {
                "id": s.id,
                "label": s.label,
                "source": s.source,
                "docs": list(s.doc_ids),
                "outlets": list(s.outlets),
                "dates": [s.first, s.last],
            }
            for s in stories
        ],
        "articles": {
            doc_id: _remembered(_article(articles, doc_id)) for s in stories for doc_id in s.doc_ids
        },
    }


def _remembered(article: ArticleLike) -> list[str | None]:
    return [article.title, article.outlet, article.date]


def kept_stories(record: Mapping[str, Any]) -> tuple[list[Story], dict[str, KeptArticle]]:
    """The stories and articles of a kept grouping (as :func:`grouping_record` made it)."""
    articles = {
        doc_id: KeptArticle(doc_id, title or "", outlet, date)
        for doc_id, (title, outlet, date) in record["articles"].items()
    }
    stories = [
        Story(
            id=s["id"],
            label=s["label"],
            doc_ids=tuple(s["docs"]),
            outlets=tuple(s["outlets"]),
            first=s["dates"][0],
            last=s["dates"][1],
            source=s["source"],
        )
        for s in record["stories"]
    ]
    return stories, articles


def store_stories(store: Store, *, corrections: bool = True) -> CorrectedStories | None:
    """The stories of the grouping the store keeps, with its corrections applied (unless
    ``corrections`` is False); None when the store keeps no grouping."""
    record = store.recorded_grouping()
    if record is None:
        return None
    stories, articles = kept_stories(record)
    if not corrections:
        return CorrectedStories(stories)
    return apply_pins(stories, store.story_pins(), articles)


def find_story(stories: Sequence[Story], key: str) -> Story:
    """The story named by ``key``: its id, or its label when exactly one story has it (case
    and spacing aside). StoryEditError says what is wrong otherwise."""
    for story in stories:
        if story.id == key:
            return story
    wanted = " ".join(key.split()).casefold()
    named = [s for s in stories if " ".join(s.label.split()).casefold() == wanted]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        ids = ", ".join(s.id for s in named[:5])
        raise StoryEditError(
            f"{len(named)} stories have the label {key!r}; name one by its id ({ids})"
        )
    raise StoryEditError(
        f"no story has the id or label {key!r}; `newsreader stories PATH --json --db STORE` "
        "lists each story's id (`story`) and `label`"
    )


__all__ = [
    "CORRECTED",
    "CorrectedStories",
    "KeptArticle",
    "Plan",
    "StoryEditError",
    "StoryPin",
    "apply_pins",
    "correct",
    "find_story",
    "grouping_record",
    "kept_stories",
    "new_pin",
    "plan_merge",
    "plan_move",
    "plan_rename",
    "plan_split",
    "store_stories",
]
