"""Annotator agreement: hand-computed cases, DKPro's published alpha_u figures, real PolNeAR
annotators, and a literal transcription of DKPro's loops as an independent check."""

from __future__ import annotations

import json
import random
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.annotations import agreement as agreement_module
from newsreader.annotations.agreement import (
    AgreementInput,
    Annotated,
    agreement,
    alpha_u,
    cohen_kappa,
    from_store,
    read_exports,
)
from newsreader.annotations.store import Store
from newsreader.corpus import Document


def span(
    who: str,
    start: int,
    end: int,
    label: str = "claim",
    *,
    doc: str = "d1",
    speaker: str | None = None,
    group: str | None = None,
    created: str = "",
) -> Annotated:
    return Annotated(who, doc, start, end, label, speaker, group, created)


# -- the hand-computed case -----------------------------------------------------------------------
#
# One article of 20 characters.
#   A: claim 0-4 (group g1), quote 5-9 "Kerry" (group g1), claim 10-14, claim 15-18,
#      and a later quote at 0-4 (same offsets: counts once, as the claim made first)
#   B: claim 0-4 (group h1), quote 5-9 "kerry " (group h1), quote 10-14 "Harf" (group h1),
#      claim 16-19
# exact: 0-4, 5-9, 10-14 match: F1 = 2·3 / (4 + 4) = 0.75
# overlap: and 15-18 ~ 16-19 (overlap 2): F1 = 2·4 / 8 = 1.0
# kappa over (claim, claim), (quote, quote), (claim, quote): po = 2/3;
#   A: claim 2/3, quote 1/3; B: claim 1/3, quote 2/3; pe = 2/9 + 2/9 = 4/9;
#   kappa = (2/3 − 4/9) / (1 − 4/9) = 0.4
# speakers on matched quotes: 5-9, "Kerry" ~ "kerry ": 1.0
# groups over matched spans: A {m1, m2} {m3}; B {m1, m2, m3}; precision 1, recall
#   (2/3 + 2/3 + 1/3) / 3 = 5/9; F1 = 2·(5/9) / (14/9) = 10/14
# alpha_u of claim (L = 20): A 0-4 10-14 15-18, B 0-4 16-19.
#   observed: 0-4 ~ 0-4: 0; 10-14 alone: 4² = 16; 15-18 ~ 16-19: 1² + 1² = 2; D_O = 2·18 / (2·1·20²)
#   expected: lengths 4 4 3 | 4 3, N_c = 5, Σ l(l−1) = 48; gaps A 6 1 2, B 12 1;
#     l = 4: 4·(4·3·7)/3 = 112, and 16·((12−3) + (6−3)) = 192; l = 3: 4·(3·2·5)/3 = 40, and
#     9·((12−2) + (6−2)) = 126; Σ = 3·304 + 2·166 = 1244; D_E = 1244·(2/20) / (2·20·39 − 48)
HAND = [
    span("A", 0, 4, group="g1", created="2026-01-01T00:00:00.000Z"),
    span("A", 5, 9, "quote", speaker="Kerry", group="g1"),
    span("A", 10, 14),
    span("A", 15, 18),
    span("A", 0, 4, "quote", created="2026-01-02T00:00:00.000Z"),
    span("B", 0, 4, group="h1"),
    span("B", 5, 9, "quote", speaker="kerry ", group="h1"),
    span("B", 10, 14, "quote", speaker="Harf", group="h1"),
    span("B", 16, 19),
]


def test_hand_computed_pair() -> None:
    [pair] = agreement(HAND, lengths={"d1": 20})
    assert pair.annotators == ("A", "B")
    assert pair.articles == 1
    assert pair.spans == (4, 4)
    assert pair.exact_f1 == pytest.approx(0.75)
    assert pair.overlap_f1 == pytest.approx(1.0)
    assert pair.label_kappa == pytest.approx(0.4)
    assert pair.speaker_agreement == pytest.approx(1.0)
    assert pair.matched_quotes == 1
    assert pair.group_b3_f1 == pytest.approx(10 / 14)
    d_o = Fraction(2 * 18, 2 * 1 * 20 * 20)
    d_e = Fraction(1244, 1) * Fraction(2, 20) / (2 * 20 * 39 - 48)
    assert pair.alpha_u["claim"] == pytest.approx(float(1 - d_o / d_e))
    claim = next(row for row in pair.labels if row.label == "claim")
    assert claim.spans == (3, 2)
    assert claim.exact_f1 == pytest.approx(2 * 1 / 5)
    [article] = pair.per_article
    assert (article.exact_matches, article.exact_f1, article.overlap_f1) == (3, 0.75, 1.0)


def test_identical_work_agrees_fully() -> None:
    a = [s for s in HAND if s.annotator == "A"]
    b = [Annotated("B", s.doc_id, s.start, s.end, s.label, s.speaker, s.group) for s in a]
    [pair] = agreement(a + b, lengths={"d1": 20})
    for value in (
        pair.exact_f1,
        pair.overlap_f1,
        pair.label_kappa,
        pair.speaker_agreement,
        pair.group_b3_f1,
        *pair.alpha_u.values(),
    ):
        assert value == pytest.approx(1.0)


def test_kappa_is_undefined_when_both_use_one_label_only() -> None:
    [pair] = agreement([span("A", 0, 4), span("B", 0, 4), span("A", 5, 9), span("B", 5, 9)])
    assert pair.exact_f1 == 1.0
    assert pair.label_kappa is None
    assert pair.speaker_agreement is None
    assert cohen_kappa([]) is None
    assert cohen_kappa([("claim", "quote"), ("quote", "claim")]) == pytest.approx(-1.0)


def test_only_articles_both_annotated_count() -> None:
    spans = [
        span("A", 0, 4),
        span("B", 0, 4),
        span("A", 0, 4, doc="d2"),
        span("B", 9, 12, doc="d3"),
    ]
    [pair] = agreement(spans)
    assert (pair.articles, pair.spans, pair.exact_f1) == (1, (1, 1), 1.0)
    [none] = agreement([span("A", 0, 4), span("B", 0, 4, doc="d2")])
    assert none.articles == 0
    assert none.exact_f1 is none.overlap_f1 is none.label_kappa is none.group_b3_f1 is None


def test_every_pair_is_ordered_by_names() -> None:
    spans = [span(name, 0, 4) for name in ("zoe", "ana", "mo")]
    pairs = agreement(spans)
    assert [p.annotators for p in pairs] == [("ana", "mo"), ("ana", "zoe"), ("mo", "zoe")]
    assert [p.annotators for p in agreement(spans, annotators=["zoe", "ana"])] == [("ana", "zoe")]


def test_overlap_matching_is_one_to_one_largest_first() -> None:
    # B's 0-10 overlaps A's 0-3 by 3 and A's 2-10 by 8: it goes to 2-10; A's 0-3 is left.
    [pair] = agreement([span("A", 0, 3), span("A", 2, 10), span("B", 0, 10)])
    assert pair.overlap_matches == 1
    assert pair.overlap_f1 == pytest.approx(2 / 3)
    # whichever side starts first
    [pair] = agreement([span("A", 1, 2), span("B", 0, 2)])
    assert pair.overlap_f1 == 1.0


# -- alpha_u as DKPro computes it -----------------------------------------------------------------


def _krippendorff_1995(stretch: float) -> dict[str, list[list[tuple[int, int]]]]:
    """Krippendorff's (1995: p. 57) example, as DKPro's tests build it (offset, length)."""
    units = {
        "A": [[(2, 8), (14, 6)], [(4, 4), (15, 2)]],
        "B": [[(0, 18)], [(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)]],
        "C": [[(2, 6), (10, 2), (14, 4), (20, 2)], [(0, 2), (4, 4), (10, 4), (16, 2), (20, 2)]],
        "D": [
            [(0, 2), (2, 8), (10, 4), (14, 6), (20, 4)],
            [(0, 4), (4, 4), (8, 7), (15, 2), (17, 7)],
        ],
    }
    return {
        category: [
            [(int(o * stretch), int(o * stretch) + int(n * stretch)) for o, n in rater]
            for rater in raters
        ]
        for category, raters in units.items()
    }


def test_alpha_u_reproduces_dkpro_published_figures() -> None:
    # Observed disagreements at stretch 1 (DKPro: 0.03125, 2.26736, 0.02777, 0.38715) follow
    # from alpha_u with D_E; check alpha_u itself at DKPro's tolerances.
    example = _krippendorff_1995(1200000 / 24)
    length = 1200000
    expected = {"A": 0.553, "B": -0.926, "C": 0.679, "D": 0.066}
    for category, value in expected.items():
        assert alpha_u(example[category], length) == pytest.approx(value, abs=0.02)
    # DKPro's tight case: stretch 12/24, category C: D_O 0.02777, D_E 0.05494, alpha 0.494.
    small = _krippendorff_1995(12 / 24)["C"]
    assert alpha_u(small, 12) == pytest.approx(1 - 0.0277777 / 0.0549383, abs=1e-5)


def _dkpro_literal(raters: list[list[tuple[int, int]]], length: int) -> float:
    """DKPro's calculateCategoryAgreement, transcribed loop for loop (position by position)."""

    def distance(o1: int, l1: int, c1: bool, o2: int, l2: int, c2: bool) -> int:
        begin, diff = o1 - o2, l1 - l2
        if c1 and c2 and -l1 < begin < l2:
            return begin * begin + (begin + diff) ** 2
        if c1 and not c2 and -diff >= begin >= 0:
            return l1 * l1
        if not c1 and c2 and -diff <= begin <= 0:
            return l2 * l2
        return 0

    count = len(raters)
    observed = 0
    for r1 in range(count):
        for r2 in range(r1 + 1, count):
            u1, u2 = iter(raters[r1]), iter(raters[r2])
            n1, n2 = next(u1, None), next(u2, None)
            o1 = l1 = o2 = l2 = pos = 0
            c1 = c2 = False
            while pos < length and (n1 or n2):
                if pos == o1 + l1:
                    if n1 and pos == n1[0]:
                        l1, c1, n1 = n1[1] - n1[0], True, next(u1, None)
                    else:
                        l1, c1 = (n1[0] if n1 else length) - pos, False
                    o1 = pos
                if pos == o2 + l2:
                    if n2 and pos == n2[0]:
                        l2, c2, n2 = n2[1] - n2[0], True, next(u2, None)
                    else:
                        l2, c2 = (n2[0] if n2 else length) - pos, False
                    o2 = pos
                observed += distance(o1, l1, c1, o2, l2, c2)
                pos = min(o1 + l1, o2 + l2)
    d_o = Fraction(2 * observed, count * (count - 1) * length * length)
    lengths = [e - s for rater in raters for s, e in rater]
    gaps: list[int] = []
    for rater in raters:
        units, offset, size, pos = iter(rater), 0, 0, 0
        nxt = next(units, None)
        while pos < length:
            if pos == offset + size:
                if nxt and pos == nxt[0]:
                    size, nxt = nxt[1] - nxt[0], next(units, None)
                else:
                    size = (nxt[0] if nxt else length) - pos
                    gaps.append(size)
                offset = pos
            pos = offset + size
    gaps.sort(reverse=True)
    total = Fraction(0)
    for n in lengths:
        total += Fraction((len(lengths) - 1) * (2 * n**3 - 3 * n * n + n), 3)
        total += n * n * sum(g - n + 1 for g in gaps if g >= n)
    d_e = (
        total
        * Fraction(2, length)
        / (count * length * (count * length - 1) - sum(n * (n - 1) for n in lengths))
    )
    return 0.0 if d_o == d_e else float(1 - d_o / d_e)


def test_alpha_u_equals_dkpro_loops_on_random_studies() -> None:
    rng = random.Random(14)
    checked = 0
    for _ in range(400):
        length = rng.randint(1, 80)
        raters = []
        for _ in range(rng.randint(2, 4)):
            units, position = [], 0
            while True:
                position += rng.randint(0, 6)
                end = position + rng.randint(1, 9)
                if end > length:
                    break
                if rng.random() < 0.6:
                    units.append((position, end))
                position = end
            raters.append(units)
        if not any(raters):
            assert alpha_u(raters, length) is None
            continue
        assert alpha_u(raters, length) == pytest.approx(_dkpro_literal(raters, length), abs=1e-12)
        checked += 1
    assert checked > 300


def test_alpha_u_leaves_out_an_annotators_overlapping_spans_as_inception_does() -> None:
    # A's 2-6 overlaps A's earlier, longer 0-8 with the same label: only 0-8 is a unit.
    with_overlap = agreement(
        [span("A", 0, 8), span("A", 2, 6), span("B", 0, 8)], lengths={"d1": 10}
    )
    without = agreement([span("A", 0, 8), span("B", 0, 8)], lengths={"d1": 10})
    assert with_overlap[0].alpha_u["claim"] == without[0].alpha_u["claim"] == 1.0


# -- reading exports and stores -------------------------------------------------------------------


def _line(**fields: object) -> str:
    record = {"id": "s_1", "doc_id": "d1", "start": 0, "end": 4, "label": "claim", **fields}
    return json.dumps(record)


def test_read_exports_names_file_and_line_of_each_problem(tmp_path: Path) -> None:
    good = tmp_path / "ana.jsonl"
    good.write_text(_line() + "\n" + _line(annotator="bo", start=5, end=9) + "\n")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(_line() + "\n{oops\n" + _line(start=9, end=3) + "\n[1]\n")
    data = read_exports([good, bad, tmp_path / "missing.jsonl"])
    assert [s.annotator for s in data.spans] == ["ana", "bo", "bad"]
    assert data.problems[0].startswith(f"{bad}: line 2: not JSON")
    assert data.problems[1] == f"{bad}: line 3: 'start' (9) must be less than 'end' (3)"
    assert data.problems[2] == f"{bad}: line 4: expected a JSON object, found list"
    assert data.problems[3].startswith(f"{tmp_path / 'missing.jsonl'}: cannot read it")


def test_read_exports_leaves_out_orphaned_spans(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(_line(anchor="orphaned") + "\n" + _line(anchor="ok") + "\n")
    data = read_exports([path])
    assert len(data.spans) == 1
    assert data.skipped_orphans == 1


def _read_line_by_line(paths: list[Path], monkeypatch: pytest.MonkeyPatch) -> AgreementInput:
    with monkeypatch.context() as patch:
        patch.setattr(agreement_module, "FAST_READ_BYTES", -1)
        return read_exports(paths)


def test_reading_whole_files_gives_what_reading_line_by_line_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(15)
    paths = []
    for name in ("ana", "bo", "cy"):
        lines = []
        for n in range(300):
            start = rng.randint(0, 500)
            fields: dict[str, object] = {
                "doc_id": f"d{rng.randint(1, 9)}",
                "start": start,
                "end": start + rng.randint(1, 40),
                "label": rng.choice(["claim", "quote"]),
                "text": "x" * rng.randint(0, 50),
                "unknown": {"nested": [1, {"a": None}]},
            }
            if rng.random() < 0.5:
                fields["annotator"] = rng.choice([name, "other", None])
            if rng.random() < 0.3:
                fields["attributes"] = {"speaker": rng.choice(["Kerry", " ", "Harf"])}
            if rng.random() < 0.3:
                fields["group"] = f"g{rng.randint(1, 5)}"
            if rng.random() < 0.3:
                fields["created"] = f"2026-11-{rng.randint(10, 28)}T00:00:00Z"
            if rng.random() < 0.1:
                fields["anchor"] = rng.choice(["orphaned", "ok", "moved"])
            for key in ("title", "doc_path", "doc_hash"):
                if rng.random() < 0.5:
                    fields[key] = rng.choice([f"{key} {n}", "", None])
            lines.append(json.dumps(fields, ensure_ascii=rng.random() < 0.5))
        path = tmp_path / f"{name}.jsonl"
        path.write_text("\n".join(lines) + ("\n" if name != "bo" else ""), encoding="utf-8")
        paths.append(path)
    assert all(agreement_module._read_whole(p, AgreementInput(), set(), 0) for p in paths)
    whole = read_exports(paths)
    assert whole.spans and whole.skipped_orphans and whole.titles and not whole.problems
    assert whole == _read_line_by_line(paths, monkeypatch)
    # A file with lines the fast reader cannot take is read line by line, from its start, with
    # the same result and the same messages.
    odd = tmp_path / "odd.jsonl"
    odd.write_text(
        paths[0].read_text() + "\n  \n" + _line(start=2**70) + "\n" + _line(doc_id="") + "\n"
    )
    both = read_exports([paths[1], odd])
    assert both == _read_line_by_line([paths[1], odd], monkeypatch)
    assert [p.split(": ", 1)[1] for p in both.problems] == [
        "line 303: 'start' (1180591620717411303424) must be less than 'end' (4)",
        "line 304: 'doc_id' must be non-empty text",
    ]


def test_the_longest_line_is_the_importers() -> None:
    from newsreader.annotations import jsonl

    assert agreement_module.MAX_LINE_BYTES == jsonl.MAX_LINE_BYTES


def test_from_store_reads_each_annotators_spans_and_groups(
    tmp_path: Path, seeds: dict[str, Document]
) -> None:
    doc = next(iter(seeds.values()))
    (s1, e1), (s2, e2) = doc.sentences[0], doc.sentences[1]
    with Store.open(tmp_path / "s.json", annotator="ana") as store:
        store.attach([doc])
        a1 = store.create_span(doc.id, s1, e1, "claim")
        a2 = store.create_span(doc.id, s2, e2, "claim")
        store.link(a1.id, a2.id)
        store.annotator = "bo"
        store.create_span(doc.id, s1, e1, "quote", {"speaker": "Kerry"})
        data = from_store(store)
        group = store.group_of(a1.id)
    assert group is not None
    assert sorted((s.annotator, s.label) for s in data.spans) == [
        ("ana", "claim"),
        ("ana", "claim"),
        ("bo", "quote"),
    ]
    assert {s.group for s in data.spans if s.annotator == "ana"} == {group.id}
    [pair] = agreement(data.spans)
    assert pair.exact_f1 == pytest.approx(2 * 1 / 3)


_spans = st.lists(
    st.tuples(
        st.sampled_from(["d1", "d2"]),
        st.integers(0, 60),
        st.integers(1, 15),
        st.sampled_from(["claim", "quote"]),
        st.sampled_from([None, "g1", "g2"]),
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(_spans, _spans)
def test_figures_are_symmetric_and_bounded(
    first: list[tuple[str, int, int, str, str | None]],
    second: list[tuple[str, int, int, str, str | None]],
) -> None:
    def made(who: str, raw: list[tuple[str, int, int, str, str | None]]) -> list[Annotated]:
        return [
            Annotated(who, doc, start, start + size, label, None, group, "", order)
            for order, (doc, start, size, label, group) in enumerate(raw)
        ]

    a, b = made("A", first), made("B", second)
    if not a or not b:
        assert agreement(a + b) == []
        return
    [forward] = agreement(a + b, lengths={"d1": 80, "d2": 80})
    [backward] = agreement(made("B", first) + made("A", second), lengths={"d1": 80, "d2": 80})
    for name in ("exact_f1", "overlap_f1", "label_kappa", "group_b3_f1"):
        one, other = getattr(forward, name), getattr(backward, name)
        assert (one is None) == (other is None)
        if one is not None:
            assert one == pytest.approx(other)
    assert forward.alpha_u == pytest.approx(backward.alpha_u)
    if forward.exact_f1 is not None:
        assert 0 <= forward.exact_f1 <= forward.overlap_f1 <= 1  # type: ignore[operator]
    if forward.label_kappa is not None:
        assert -1 <= forward.label_kappa <= 1
    for value in forward.alpha_u.values():
        assert value is None or value <= 1


def _plain_overlap_matches(first: list[Annotated], second: list[Annotated]) -> int:
    """One-to-one matching of one article's overlapping spans as the definition says it: every
    overlapping pair, largest overlap first (then B's start, A's start, B's and A's places)."""
    pairs = sorted(
        (-(min(a.end, b.end) - max(a.start, b.start)), b.start, a.start, j, i)
        for i, a in enumerate(first)
        for j, b in enumerate(second)
        if min(a.end, b.end) > max(a.start, b.start)
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    for _, _, _, j, i in pairs:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
    return len(used_a)


def _plain_units(spans: list[Annotated], offset: int) -> list[tuple[int, int]]:
    """INCEpTION's units of one annotator, label and article: by start, longest first, each
    overlapping an earlier one left out."""
    units: list[tuple[int, int]] = []
    reach = -1
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        if s.start >= reach:
            units.append((offset + s.start, offset + s.end))
        reach = max(reach, s.end)
    return units


def test_pair_figures_equal_plain_loops_on_random_work() -> None:
    # The pair's overlap matching and unitizing alpha work on arrays over every article at
    # once; here they are checked against the definitions, article by article, in plain loops.
    rng = random.Random(27)
    for _ in range(150):
        spans: list[Annotated] = []
        for who in ("A", "B"):
            for order in range(rng.randint(1, 30)):
                start = rng.randint(0, 50)
                doc, label = rng.choice(["d1", "d2", "d3"]), rng.choice(["x", "y"])
                end = start + rng.randint(1, 12)
                spans.append(Annotated(who, doc, start, end, label, None, None, "", order))
        lengths = {"d1": rng.randint(0, 70)}
        pairs = agreement(spans, lengths=lengths)
        if not pairs or not pairs[0].articles:
            continue
        [pair] = pairs
        kept = {
            who: list(
                {
                    (s.doc_id, s.start, s.end): s for s in reversed(spans) if s.annotator == who
                }.values()
            )[::-1]
            for who in ("A", "B")
        }
        docs = sorted({s.doc_id for s in kept["A"]} & {s.doc_id for s in kept["B"]})
        by_doc = {
            (who, d): [s for s in kept[who] if s.doc_id == d] for who in ("A", "B") for d in docs
        }
        overlaps = [_plain_overlap_matches(by_doc["A", d], by_doc["B", d]) for d in docs]
        assert [a.overlap_f1 for a in pair.per_article] == [
            2 * n / (len(by_doc["A", d]) + len(by_doc["B", d]))
            for n, d in zip(overlaps, docs, strict=True)
        ]
        assert pair.overlap_matches == sum(overlaps)
        offsets, length = {}, 0
        for d in docs:
            offsets[d] = length
            length += max(lengths.get(d, 0), *(s.end for w in "AB" for s in by_doc[w, d]))
        for label, alpha in pair.alpha_u.items():
            raters = [
                [
                    unit
                    for d in docs
                    for unit in _plain_units(
                        [s for s in by_doc[who, d] if s.label == label], offsets[d]
                    )
                ]
                for who in ("A", "B")
            ]
            assert alpha == pytest.approx(_dkpro_literal(raters, length), abs=1e-12)
