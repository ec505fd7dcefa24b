"""The bundled sample corpus: outlets, titles, sentence boundaries, boilerplate and quotes."""

from __future__ import annotations

import shutil
from pathlib import Path

from newsreader.corpus import SAMPLE_DIR, Document, Quote, load_paths


def sentence_texts(doc: Document) -> list[str]:
    return [doc.text[s:e] for s, e in doc.sentences]


def quote_with(doc: Document, words: str) -> Quote:
    matches = [q for q in doc.quotes if words in doc.text[q.start : q.end]]
    assert matches, f"no quote containing {words!r} in {doc.outlet}"
    return matches[0]


def test_outlets_titles_and_dates(seeds: dict[str, Document]) -> None:
    assert sorted(seeds) == [
        "Breitbart",
        "Current events portal",
        "Iran Media Focus",
        "Newsy",
        "The Wire",
    ]
    assert seeds["Newsy"].title == "Iran, U.S. Say They Don't Want To Fight ISIS Together"
    assert seeds["The Wire"].title == "Iran Rejects U.S. Bid to Coordinate Against ISIS"
    assert seeds["Current events portal"].date == "2014-09-06"


def test_ids_are_stable_and_text_is_the_file(seeds: dict[str, Document]) -> None:
    again = {d.outlet: d for d in load_paths([SAMPLE_DIR]).documents}
    for outlet, doc in seeds.items():
        assert again[outlet].id == doc.id
        with open(doc.path, encoding="utf-8", newline="") as handle:
            assert handle.read().replace("\r\n", "\n") == doc.text


def test_title_without_manifest_skips_navigation_crumbs() -> None:
    doc = load_paths([SAMPLE_DIR / "000_0b4cda9db6c1c03f.txt"]).documents[0]
    assert doc.title == "Iran, U.S. Say They Don't Want To Fight ISIS Together"
    portal = load_paths([SAMPLE_DIR / "004_03dc395045b6b6f0.txt"]).documents[0]
    assert portal.title.startswith("The United States says that it will not coordinate")


def test_outlet_inferred_from_text_when_no_manifest_says(tmp_path: Path) -> None:
    for name in ("000_0b4cda9db6c1c03f.txt", "001_071376e2d7e7b75c.txt"):
        shutil.copy(SAMPLE_DIR / name, tmp_path / name)  # away from the sample's manifest
    wire = load_paths([tmp_path / "001_071376e2d7e7b75c.txt"]).documents[0]
    assert wire.outlet == "The Wire"
    newsy = load_paths([tmp_path / "000_0b4cda9db6c1c03f.txt"]).documents[0]
    assert newsy.outlet is None  # the text never names its outlet


def test_sentences_around_us(seeds: dict[str, Document]) -> None:
    newsy = sentence_texts(seeds["Newsy"])
    assert (
        "While Iran's leader told reporters Monday he opposed a U.S. request for cooperation in "
        "fighting ISIS, the U.S. has said it never asked."
    ).replace("Iran's leader", "Iran's supreme leader") in newsy
    assert (
        "The U.S. bombed ISIS targets from the air, and pro-Iranian Shia militias attacked "
        "from the ground." in newsy
    )
    wire = sentence_texts(seeds["The Wire"])
    assert any(s.startswith("During the racial unrest in Ferguson, Mo., Khamenei") for s in wire)
    breitbart = sentence_texts(seeds["Breitbart"])
    assert (
        "The report was confirmed in part by a senior U.S. State Department official." in breitbart
    )
    assert any(s.startswith("The U.S. cut ties with Iran in 1979") for s in breitbart)
    assert "Apparently not." in newsy


def test_headlines_are_sentences(seeds: dict[str, Document]) -> None:
    assert "Iran Rejects U.S. Bid to Coordinate Against ISIS" in sentence_texts(seeds["The Wire"])


def test_khamenei_quote(seeds: dict[str, Document]) -> None:
    doc = seeds["Newsy"]
    quote = quote_with(doc, "We will not cooperate with the Americans")
    assert quote.speaker == "Khamenei"
    assert doc.text[quote.speaker_start : quote.speaker_end] == "Khamenei"


def test_harf_and_kerry_quotes(seeds: dict[str, Document]) -> None:
    doc = seeds["Newsy"]
    harf = quote_with(doc, "we are not coordinating with")
    assert harf.speaker is not None and harf.speaker.lower() == "marie harf"
    kerry = quote_with(doc, "it would not be right for any number of reasons")
    assert kerry.speaker is not None and "kerry" in kerry.speaker.lower()
    assert doc.text[kerry.start] == "“" and doc.text[kerry.end - 1] == "”"


def test_kerry_quote_split_by_attribution(seeds: dict[str, Document]) -> None:
    doc = seeds["Iran Media Focus"]
    first = quote_with(doc, "It would not be appropriate")
    second = quote_with(doc, "for any number of reasons")
    assert first.speaker == second.speaker == "Kerry"
    assert second.continues == doc.quotes.index(first)


def test_multi_paragraph_speaker_goes_on(seeds: dict[str, Document]) -> None:
    doc = seeds["Breitbart"]
    said = quote_with(doc, "concerned about Assad’s position")
    follow = quote_with(doc, "This issue was first discussed in Geneva")
    assert said.speaker == "the official"
    assert follow.speaker == "the official"


def test_participle_attribution_names_the_subject(seeds: dict[str, Document]) -> None:
    doc = seeds["Newsy"]
    quote = quote_with(doc, "The Americans helped the Iraqis")
    assert quote.speaker == "A senior Iranian official"


def test_boilerplate_flagged_not_deleted(seeds: dict[str, Document]) -> None:
    blog = seeds["Iran Media Focus"]
    flagged = " ".join(blog.slice(r) for r in blog.boilerplate)
    for furniture in (
        "Fill in your details below",
        "Follow us in any way you like!",
        "Visitor Count",
        "1,384,557",
        "%d bloggers like this:",
        "Join 38,316 other followers",
        "Tagged with:",
    ):
        assert furniture in flagged
    assert "Iran, to its great surprise" not in flagged
    wire = seeds["The Wire"]
    assert "This article is from the archive of our partner The Wire." in " ".join(
        wire.slice(r) for r in wire.boilerplate
    )
    newsy = seeds["Newsy"]
    assert [newsy.slice(r) for r in newsy.boilerplate][:2] == ["World", "Actions"]
    # Quotes in the comment section are not the article's.
    assert not any("inappropriate" in blog.text[q.start : q.end] for q in blog.quotes)


def test_every_range_indexes_the_text(seeds: dict[str, Document]) -> None:
    for doc in seeds.values():
        for start, end in (*doc.paragraphs, *doc.sentences, *doc.boilerplate):
            assert 0 <= start < end <= len(doc.text)
            assert doc.text[start:end].strip() == doc.text[start:end]
        for quote in doc.quotes:
            assert 0 <= quote.start < quote.end <= len(doc.text)
            if quote.speaker is not None:
                assert doc.text[quote.speaker_start : quote.speaker_end] == quote.speaker
