"""Finding spans again in edited copies of the seed articles; never moving one silently."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsreader.annotations.anchoring import find_again
from newsreader.annotations.model import context
from newsreader.annotations.store import Store
from newsreader.corpus import SAMPLE_DIR, Document, load_paths

KERRY = "it would not be right for any number of reasons"
HARF = "we are not coordinating with"


def where(doc: Document, words: str) -> tuple[int, int]:
    start = doc.text.index(words)
    return start, start + len(words)


def refind(old: str, new: str, words: str) -> tuple[str, str]:
    """Anchor ``words`` on ``old``, find them on ``new``: (state, new text of the span)."""
    start = old.index(words)
    end = start + len(words)
    prefix, suffix = context(old, start, end)
    found = find_again(new, words, prefix, suffix, start, end)
    return found.state, new[found.start : found.end]


@pytest.fixture
def newsy(seeds: dict[str, Document]) -> str:
    return seeds["Newsy"].text


def test_unchanged_offsets_are_kept(newsy: str) -> None:
    edited = newsy + "\n\nA paragraph added at the end."
    assert refind(newsy, edited, KERRY) == ("ok", KERRY)


def test_words_inserted_before_move_the_span(newsy: str) -> None:
    edited = newsy.replace(
        "SECRETARY JOHN KERRY", "UPDATE, 5 p.m.: more below.\n\nSECRETARY JOHN KERRY"
    )
    assert refind(newsy, edited, KERRY) == ("moved", KERRY)


def test_words_inserted_inside_are_taken_in(newsy: str) -> None:
    edited = newsy.replace("not be right for", "not be right, he said, for")
    state, text = refind(newsy, edited, KERRY)
    assert state == "fuzzy"
    assert text == "it would not be right, he said, for any number of reasons"


def test_the_spans_own_words_changed(newsy: str) -> None:
    edited = newsy.replace("it would not be right for", "it would not be appropriate for")
    assert refind(newsy, edited, KERRY) == (
        "fuzzy",
        "it would not be appropriate for any number of reasons",
    )


def test_a_deleted_span_is_orphaned(newsy: str) -> None:
    edited = newsy.replace(
        " But I think under the circumstances at this moment in time, " + KERRY + ".", ""
    )
    assert KERRY not in edited
    state, _ = refind(newsy, edited, KERRY)
    assert state == "orphaned"


def test_repeated_words_go_to_the_place_whose_context_matches(
    seeds: dict[str, Document],
) -> None:
    text = seeds["Breitbart"].text
    title = "Report: US Told Iran it Would Strike in Syria, Vowed Not to Hit Assad's Forces"
    second = text.index(title, 1)  # the headline repeated under the title
    prefix, suffix = context(text, second, second + len(title))
    edited = "Breaking. " + text
    found = find_again(edited, title, prefix, suffix, second, second + len(title))
    assert found.state == "moved" and found.start == second + len("Breaking. ")


def test_short_common_words_do_not_jump_to_a_stranger(newsy: str) -> None:
    # "Iran" is everywhere; with its context gone it must not land on an arbitrary one.
    start = newsy.index("presence of Iran") + len("presence of ")
    prefix, suffix = context(newsy, start, start + 4)
    edited = newsy.replace("the presence of Iran. But", "that. But")
    found = find_again(edited, "Iran", prefix, suffix, start, start + 4)
    assert found.state in ("orphaned", "moved")
    if found.state == "moved":
        assert edited[found.start - 20 : found.start].endswith("presence of ") is False


def copy_sample(folder: Path) -> Path:
    target = folder / "corpus"
    shutil.copytree(SAMPLE_DIR, target)
    return target


def test_store_finds_spans_again_when_article_files_change(tmp_path: Path) -> None:
    corpus = copy_sample(tmp_path)
    docs = {d.outlet: d for d in load_paths([corpus]).documents}
    newsy, wire = docs["Newsy"], docs["The Wire"]
    with Store.open(tmp_path / "s.json") as store:
        store.attach(docs.values())
        kerry = store.create_span(newsy.id, *where(newsy, KERRY), "quote", {"speaker": "Kerry"})
        harf = store.create_span(newsy.id, *where(newsy, HARF), "claim")
        last = newsy.text.rstrip().rsplit("\n", 1)[-1]
        tail = store.create_span(newsy.id, *where(newsy, last), "claim")
        wire_span = store.create_span(wire.id, 0, 40, "claim")
        store.link(kerry.id, wire_span.id)

    path = Path(newsy.path)
    edited = (
        path.read_text(encoding="utf-8")
        .replace("SECRETARY JOHN KERRY", "UPDATE: corrected.\n\nSECRETARY JOHN KERRY")
        .replace("not coordinating with", "not coordinating at all with")
        .replace(last, "")
    )
    path.write_text(edited, encoding="utf-8")

    docs = {d.outlet: d for d in load_paths([corpus]).documents}
    assert docs["Newsy"].id == newsy.id  # same file, same id, new content hash
    with Store.open(tmp_path / "s.json") as store:
        report = store.attach(docs.values())
        moved = {after.id: after for _, after in report.moved}
        assert moved[kerry.id].anchor.state == "moved"
        assert moved[kerry.id].text == KERRY
        assert moved[harf.id].anchor.state == "fuzzy"
        assert moved[harf.id].text == "we are not coordinating at all with"
        assert moved[harf.id].anchor.old_text == HARF
        assert [s.id for s in report.orphaned] == [tail.id]
        assert store.counts()["orphaned"] == 1 and store.counts()["spans"] == 4
        assert store.counts_by_document() == {newsy.id: 3, wire.id: 1}
        assert "no longer in the article" in " ".join(report.lines())
        text = docs["Newsy"].text
        for span in store.spans(newsy.id):
            if not span.orphaned:
                assert text[span.start : span.end] == span.text
        assert store.group_of(kerry.id) is not None  # links are kept
        # Attaching again moves nothing more, and still tells of the orphan.
        again = store.attach(docs.values())
        assert not again.moved and [s.id for s in again.orphaned] == [tail.id]
    # The orphan comes back when the words come back.
    path.write_text(edited + "\n" + last + "\n", encoding="utf-8")
    docs = {d.outlet: d for d in load_paths([corpus]).documents}
    with Store.open(tmp_path / "s.json") as store:
        report = store.attach(docs.values())
        back = store.span(tail.id)
        assert back is not None and not back.orphaned
        assert store.counts()["orphaned"] == 0
        assert docs["Newsy"].text[back.start : back.end] == last
