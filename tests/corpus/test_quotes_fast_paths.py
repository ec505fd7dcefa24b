"""The fast paths of quote detection give what the plain ways give, and the rule for capitalised
passages that a speech verb or a sign introduces."""

from __future__ import annotations

import dataclasses
import re

from newsreader.corpus import analyse
from newsreader.corpus import quotes as Q
from newsreader.corpus import speakers as S
from newsreader.corpus.document import Quote


def quotes(text: str) -> list[tuple[str, str | None]]:
    structure = analyse(text)
    return [(text[q.start : q.end], q.speaker) for q in structure.quotes]


def test_title_case_words_introduced_by_a_speech_verb_are_quotes() -> None:
    lead = "Campaign Ends.\n\n"
    text = lead + "The campaign wrote to supporters, stating, “Speaker Paul Ryan Joins The List.”"
    assert [q for q, _ in quotes(text)] == ["“Speaker Paul Ryan Joins The List.”"]
    text = lead + "Protesters gathered at noon, chanting “Dump Trump.”"
    assert quotes(text) == [("“Dump Trump.”", "Protesters")]
    # The name of a show after "told" or a plain mention is still no quote.
    assert quotes(lead + "He told “Fox and Friends” on Monday that it would work.") == []
    assert quotes(lead + "The senator said he loved “Face the Nation,” and left.") == []


def test_speech_verbs_found_as_the_pattern_finds_them() -> None:
    text = (
        "Kerry said-no, SAID it; she re-said, unsaid, saying. He told X: “says” and "
        "tweeted_out; well-said. Said Comey, writes"
    )
    for start, end in ((0, len(text)), (3, 40), (5, len(text) - 3), (20, 21)):
        expected = [(m.start(), m.end()) for m in Q._VERB_RE.finditer(text, start, end)]
        found = [(m.start(), m.end()) for m in Q._speech_verbs(text, start, end)]
        assert found == expected


def test_speech_verb_far_before_the_quote_is_no_attribution() -> None:
    # A verb with more than 14 words between it and the quote: the search stops there, as it
    # did before the verbs were looked for in the last 15 words only.
    far = "Kerry said that " + "many " * 11 + "people were there, “We will not go.”"
    near = "Kerry said that " + "many " * 10 + "people were there, “We will not go.”"
    start = far.index("“")
    assert Q._attribution_before(far, 0, start) is None
    found = Q._attribution_before(near, 0, near.index("“"))
    assert found is not None and found.cue == "said"


def test_title_case_reads_as_before() -> None:
    def plain(inner: str) -> bool:  # the definition, written out
        words = [w.strip(".,!?;:\u2019'\"") for w in inner.split()]
        words = [w for w in words if w]
        if not 2 <= len(words) <= 16 or not words[0][:1].isupper():
            return False
        if all(w.isupper() for w in words if w[:1].isalpha()):
            return False
        return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in Q._SMALL_WORDS for w in words)

    for inner in (
        "Face the Nation",
        "U-S-A! U-S-A!",
        "It is over",
        "The Steve Harvey Morning Show",
        "2016 Campaign",
        "... Go",
        "Go",
        " ".join(["Word"] * 16),
        " ".join(["Word"] * 17),
        "NASA and the Moon",
        "'' ... ''",
    ):
        assert Q._is_title_case(inner) == plain(inner), inner


def test_speaker_set_as_replace_sets_it() -> None:
    text = "Kerry said it."
    quote = Quote(3, 9, None, None, None, "said", 2, "old")
    expected = dataclasses.replace(
        quote, speaker=text[0:5], speaker_start=0, speaker_end=5, speaker_name="John Kerry"
    )
    assert Q._with_speaker(quote, text, 0, 5, "John Kerry") == expected
    assert Q._with_speaker(quote, text, 0, 5) == dataclasses.replace(
        quote, speaker="Kerry", speaker_start=0, speaker_end=5
    )


def test_capital_stretches_found_as_with_the_look_back_first() -> None:
    plain = re.compile(
        rf"(?<![\w'\u2019.-]){S._CAPITAL_WORD}"
        rf"(?:[ \u00a0](?:(?:{'|'.join(sorted(S._CONNECTORS))})[ \u00a0])?{S._CAPITAL_WORD})*"
    )
    text = (
        "John Kerry met O'Brien and al-Assad. D'Souza, Mr. Van der Berg; x.Kerry 'Tis "
        "Bashar al Assad-led talks\u00a0Ted Cruz ÉLISE Ólafur"
    )
    for start in (0, 1, 5, 11):
        assert [(m.start(), m.group()) for m in S._CAP_STRETCH.finditer(text, start)] == [
            (m.start(), m.group()) for m in plain.finditer(text, start)
        ]


def test_answered_and_barked_attribute() -> None:
    text = "Gov. Chris Christie gave a one-word answer.\n\n“Denver,” Christie answered."
    assert quotes(text) == [("“Denver,”", "Christie")]
    text = "The reporter was not called on.\n\n“Go back to Univision,” Trump barked."
    assert quotes(text) == [("“Go back to Univision,”", "Trump")]


def test_participle_after_a_quote_names_no_speaker() -> None:
    text = (
        'In a statement, Peabody said: "Patriot Coal was highly successful," adding that its '
        "market capitalization quadrupled in less than a year."
    )
    assert quotes(text) == [('"Patriot Coal was highly successful,"', "Peabody")]


def test_object_of_a_preposition_before_the_verb_is_not_the_speaker() -> None:
    text = 'Protesters marching through the streets chanted "What curfew?" and kept going.'
    assert quotes(text) == [('"What curfew?"', "Protesters")]


def test_sentence_subject_ends_before_an_adverb_or_a_past_verb() -> None:
    text = (
        "The aide resigned.\n\nThe communications pro also took a shot at President Obama, "
        "writing “your mother and father don’t respect their positions very much.”"
    )
    assert [speaker for _, speaker in quotes(text)] == ["The communications pro"]


def test_bare_description_named_as_the_fuller_one_before() -> None:
    text = (
        "Iran spoke out.\n\nHowever, according to the senior Iranian official, the lines blurred."
        "\n\n“Iran was concerned about Assad,” said the official."
    )
    (quote,) = analyse(text).quotes
    assert (quote.speaker, quote.speaker_name) == ("the official", "the senior Iranian official")
    # Words inside a quotation describe nobody the article introduced.
    text = "“The senior Iranian official lied,” he said.\n\n“We deny it,” said the official."
    assert [q.speaker_name for q in analyse(text).quotes][-1] == "the official"


def test_colon_after_a_sentence_without_speech_verb_gives_its_subject() -> None:
    text = (
        "The charity has many critics.\n\nThe Clinton Foundation describes itself in the "
        "following way: “Everywhere we go, we are trying to work together.”"
    )
    assert [speaker for _, speaker in quotes(text)] == ["The Clinton Foundation"]


def test_words_before_the_verb_that_are_no_subject() -> None:
    text = (
        "Aides were asked about it.\n\nAsked on Monday, Mrs. Clinton shook her head and "
        "said, “No, he will not.”"
    )
    assert [speaker for _, speaker in quotes(text)] == ["Clinton"]
    text = "The school sold seminars.\n\nTrump released a video that said, “We have professors.”"
    assert [speaker for _, speaker in quotes(text)] == ["a video"]
    text = (
        "He spoke in Ohio.\n\nOn Wednesday, Trump was asked, “Where is the most dangerous place?”"
    )
    assert [speaker for _, speaker in quotes(text)] != ["was"]


def test_subject_after_several_opening_phrases() -> None:
    text = (
        "The debate went on.\n\nThursday, after remaining neutral throughout the primary "
        "process, Warren appeared on MSNBC and endorsed Clinton, saying, “I think having a "
        "fighter in the lead is good.”"
    )
    assert [speaker for _, speaker in quotes(text)] == ["Warren"]


def test_who_after_a_name_is_that_person() -> None:
    text = (
        "The arrest drew notice.\n\nThe operation drew scrutiny, even from President Trump, who "
        "said “Border Coyotes are treated better,” and questioned it."
    )
    assert [speaker for _, speaker in quotes(text)] == ["Trump"]


def test_marks_scanned_as_the_plain_pattern_finds_them() -> None:
    text = "``a'' b'c ’d’ “e” `f ``g`` ''h'' x'''y ’' `' \"i\" don’t it's «j» „k“ ‘l’"
    for start in (0, 1, 7, 20):
        expected = [(m.start(), m.group()) for m in Q._MARK.finditer(text, start)]
        found = [(m.start(), m.group()) for m in Q._MARK_SCAN.finditer(text, start)]
        assert [f for f in found if f[1] != "`"] == expected


def test_ranker_score_is_the_plain_weighted_sum() -> None:
    from newsreader.corpus import speaker_ranker as R

    model = R.Model({"a": 0.5, "b": -1.25, "c": 3.0}, 0.1)
    for features in ({"a": 1.0, "b": 0.3, "d": 2.0}, {"c": 0.7, "a": 0.2}, {"a": 1.0, "b": 0.3}):
        plain = model.intercept + sum(model.weights.get(k, 0.0) * v for k, v in features.items())
        assert model.score(features) == plain
