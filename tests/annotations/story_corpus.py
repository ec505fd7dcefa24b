"""A small corpus of look-alike events told by several outlets, written as text files with a
metadata table (outlet, date, story), for the tests of stories and their corrections."""

from __future__ import annotations

from pathlib import Path

from newsreader.corpus import Document
from newsreader.corpus.loaders import list_paths


def _quake(place: str, region: str, dead: str, official: str, outlet: str) -> str:
    return (
        f"Earthquake kills {dead} near {place}\n\n"
        f"A strong earthquake struck near {place} in {region} early on the day, killing at "
        f"least {dead} people and collapsing buildings across the city, {outlet} reported. "
        f"{official}, who leads the rescue office, said teams were searching the rubble in "
        f"{place} for survivors. Aftershocks rattled {region} through the night, and residents "
        f"of {place} slept outdoors. {official} said the toll in {region} could rise.\n"
    )


def _arrest(name: str, city: str, charge: str, lawyer: str, outlet: str) -> str:
    return (
        f"{name} arrested in {city}\n\n"
        f"Police in {city} arrested {name} on charges of {charge}, officials told {outlet}. "
        f"A spokesman for the {city} police said {name} was taken into custody without "
        f"incident. {lawyer}, a lawyer for {name}, said the charges of {charge} were baseless "
        f"and that {name} would plead not guilty in a {city} court.\n"
    )


OUTLETS = ("Newsy", "The Wire", "Daily Planet")

EVENTS: dict[str, list[str]] = {
    "quake-ambato": [
        _quake("Ambato", "Tungurahua", "212", "Maria Quispe", outlet) for outlet in OUTLETS
    ],
    "quake-sendai": [_quake("Sendai", "Miyagi", "48", "Kenji Sato", o) for o in OUTLETS],
    "arrest-doe": [
        _arrest("Jonathan Doe", "Denver", "fraud", "Alice Marsh", o) for o in OUTLETS[:2]
    ],
}

EXTRA = {"quake-ambato": _quake("Ambato", "Tungurahua", "215", "Maria Quispe", "Courier")}
"""One more article of an event, for "a corpus with more articles"."""


def write_corpus(folder: Path, *, extra: bool = False) -> Path:
    """Write the events as files with a ``metadata.tsv`` beside them; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["file\toutlet\tdate\tstory"]
    for story, texts in EVENTS.items():
        for outlet, text in zip(OUTLETS, texts, strict=False):
            name = f"{story}-{outlet.lower().replace(' ', '-')}.txt"
            (folder / name).write_text(text, encoding="utf-8")
            rows.append(f"{name}\t{outlet}\t2026-03-0{1 + len(rows) % 3}\t{story}")
    if extra:
        for story, text in EXTRA.items():
            name = f"{story}-courier.txt"
            (folder / name).write_text(text, encoding="utf-8")
            rows.append(f"{name}\tCourier\t2026-03-02\t{story}")
    (folder / "metadata.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def load_corpus(folder: Path) -> list[Document]:
    """The articles of a corpus written by :func:`write_corpus`."""
    result = list_paths([folder])
    assert not result.problems, result.problems
    return list(result.documents)


def by_name(documents: list[Document]) -> dict[str, Document]:
    """The articles by file name without its extension (``quake-ambato-newsy``)."""
    return {Path(d.path).stem: d for d in documents}
