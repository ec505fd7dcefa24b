"""Speakers as people: the rules of English news that find and name who said a quote."""

from __future__ import annotations

from newsreader.corpus import Document, analyse
from newsreader.corpus.quotes import quote_extent, quoted_parts, sentence_at
from newsreader.corpus.speakers import person_mentions


def speakers(text: str) -> list[tuple[str | None, str | None]]:
    """(speaker as the text names it, canonical name) per quote."""
    return [(q.speaker, q.speaker_name) for q in analyse(text).quotes]


def document(text: str) -> Document:
    return Document(
        id="d", path="d.txt", text=text, content_hash="h", title="", structure=analyse(text)
    )


def test_speaker_after_a_role_description() -> None:
    text = (
        "“The end of 2015 leaves the race where it was,” said former Obama adviser David Axelrod."
    )
    assert speakers(text) == [("David Axelrod", "David Axelrod")]
    text = "“We concur with the findings,” said spokesman John Kirby, referring to the report."
    assert speakers(text)[0][0] == "John Kirby"


def test_subject_across_an_inserted_clause() -> None:
    text = (
        "“We are not going to coordinate,” Kerry, speaking in Paris on Monday after a long "
        "meeting with his counterparts, told reporters."
    )
    assert speakers(text)[0][0] == "Kerry"
    text = (
        "“They have increasingly looked at the intent of legislators,” J. Gerald Hebert, "
        "executive director of the Campaign Legal Center, said in an interview."
    )
    assert speakers(text)[0][0] == "J. Gerald Hebert"


def test_attribution_after_a_sentence_that_ends_inside_the_quote() -> None:
    text = '"Pat Kennedy is the greatest!!!" McDonough wrote in an email to top officials.'
    assert speakers(text)[0][0] == "McDonough"


def test_verb_sharing_the_sentence_subject_and_an_adverb_before_the_verb() -> None:
    text = "Suu Kyi said it was too early to congratulate winners but added, “Victory is ours.”"
    assert speakers(text)[0][0] == "Suu Kyi"
    text = "Asked whether he would register Muslims, Trump reportedly said, “Absolutely.”"
    assert speakers(text)[0][0] == "Trump"
    text = "Responding to this criticism in an interview, Trump said: “I am the least racist.”"
    assert speakers(text)[0][0] == "Trump"


def test_canonical_name_is_the_fullest_form_without_titles_or_capitals() -> None:
    text = (
        "Secretary of State John F. Kerry spoke in Paris.\n\n"
        "“We will not coordinate with Iran,” Mr. Kerry said.\n\n"
        "SECRETARY JOHN KERRY: “It would not be appropriate.”"
    )
    (said, mention), (colon, shouted) = speakers(text)
    # The span keeps the text's words for the name, without the title before it.
    assert said == "Kerry" and mention == "John Kerry"
    assert shouted == "John Kerry" and colon == "JOHN KERRY"
    [first, second] = analyse(text).quotes
    assert text[first.speaker_start : first.speaker_end] == "Kerry"
    assert text[second.speaker_start : second.speaker_end] == "JOHN KERRY"


def test_the_speaker_span_is_the_name_without_titles_or_descriptions() -> None:
    text = "“It is a failure,” said Nebraska Attorney General Jon Bruning on Thursday."
    assert speakers(text) == [("Jon Bruning", "Jon Bruning")]
    text = "Michael Steele spoke.\n\n“It was the president who was cute,” Mr. Steele said."
    assert speakers(text) == [("Steele", "Michael Steele")]
    text = "“These rules are serious,” said Rep. Michele Bachmann (R-Minn.)."
    assert speakers(text) == [("Michele Bachmann", "Michele Bachmann")]


def test_two_people_with_one_surname_are_told_apart_by_the_nearest_full_name() -> None:
    text = (
        "Bill Clinton spoke first.\n\n“It was a great night,” Clinton said.\n\n"
        "Hillary Clinton spoke next.\n\n“We are ready,” Clinton said."
    )
    assert [name for _, name in speakers(text)] == ["Bill Clinton", "Hillary Clinton"]


def test_pronoun_resolves_to_the_person_last_named_outside_quotes() -> None:
    text = (
        "Gov. Rick Perry released an ad on Wednesday in Iowa.\n\n"
        "“This is an administration at war with people of faith,” he said."
    )
    [(speaker, name)] = speakers(text)
    assert (speaker, name) == ("Rick Perry", "Rick Perry")
    text = (
        "Mrs. Pelosi met Mr. Ryan on Tuesday.\n\n"
        "“I have strong support from our friends in the unions,” she said."
    )
    assert speakers(text)[0][1] == "Pelosi"  # the woman, by her title
    # A name inside another quote, or after a preposition, is not who "he" is.
    text = (
        "In an interview with Fox News, Paul Ryan hammered the president.\n\n"
        "“He has failed when it comes to creating jobs for Americans,” he said."
    )
    assert speakers(text)[0][1] == "Paul Ryan"


def test_pronoun_skips_people_of_the_other_sex_by_first_name_and_names_used_as_modifiers() -> None:
    text = (
        "Hillary Clinton criticized the Bush administration for its secrecy. "
        "“It is a stunning record of secrecy and corruption,” she said."
    )
    assert speakers(text)[0][1] == "Hillary Clinton"
    text = (
        "Jeb Bush met Hillary Clinton on Friday.\n\n"
        "“We know about the secret wiretaps and the secret tribunals,” she said."
    )
    assert speakers(text)[0][1] == "Hillary Clinton"


def test_pronoun_prefers_the_subject_of_a_clause_to_a_later_name() -> None:
    text = (
        "Rick Perry has stepped up his attacks on the president. On Tuesday he decried a "
        "decision by President Barack Obama on foreign aid.\n\n"
        "“This is an administration at war with people of faith,” he said."
    )
    assert speakers(text)[0][1] == "Rick Perry"


def test_bare_role_resolves_to_the_person_named_in_that_role() -> None:
    text = (
        "Sen. Lindsey Graham (R-S.C.) spoke to reporters on Monday about the budget.\n\n"
        "“We will not vote for this bill,” the senator said."
    )
    [(speaker, name)] = speakers(text)
    assert speaker == "the senator" and name == "Lindsey Graham"
    text = "“No comment,” the spokesman said."
    assert speakers(text) == [("the spokesman", "the spokesman")]  # nobody named: kept as is


def test_person_mentions_stop_at_sentence_ends_and_skip_things() -> None:
    text = "He spoke at the White House. Obama left. The New York Times said N.Y. Mr. Gowdy came."
    names = [" ".join(m.words) for m in person_mentions(text)]
    assert "Gowdy" in names and not any("House" in n or "Times" in n for n in names)


def test_quoted_parts_leave_out_the_attribution() -> None:
    text = "“It would not be appropriate”, stated Kerry, “for any number of reasons”."
    assert [text[s:e] for s, e in quoted_parts(text)] == [
        "It would not be appropriate",
        "for any number of reasons",
    ]


def test_selection_snaps_to_the_quotation_marks() -> None:
    text = "Kerry spoke. “We will not coordinate with Iran. It is a mistake,” Kerry said."
    doc = document(text)
    inner = text.index("We will")
    end = text.index(" It is")
    start, stop = quote_extent(doc, inner, end)
    assert text[start:stop] == "“We will not coordinate with Iran."
    whole = quote_extent(doc, inner, text.index("”"))
    assert text[whole[0] : whole[1]] == "“We will not coordinate with Iran. It is a mistake,”"
    sentence = sentence_at(doc, inner + 3)
    assert sentence is not None and text[sentence[0] : sentence[1]].startswith("“We will")
    # An apostrophe after a word is not taken in.
    plain = document("The Clintons’ foundation spoke.")
    assert quote_extent(plain, 4, 12) == (4, 12)
    single = document("Trump called it ‘a disaster’ again.")
    s, e = quote_extent(single, single.text.index("a dis"), single.text.index("’ again"))
    assert single.text[s:e] == "‘a disaster’"


def test_inverted_verb_opening_the_sentence_and_a_described_speaker() -> None:
    text = "Roof should not have been able to buy the gun. Said Comey, “We are all sick about it.”"
    assert speakers(text)[0][0] == "Comey"
    text = "“He never had a scholarship,” said retired neurosurgeon Ben Carson, asked about it."
    assert speakers(text)[0][0] == "Ben Carson"


def test_a_capitalised_modal_is_a_name() -> None:
    text = "“Reveries about the presidency as an entry-level job are dangerous,” Will wrote."
    assert speakers(text)[0][0] == "Will"


def test_a_paragraph_ending_in_a_colon_introduces_the_quote_below() -> None:
    text = (
        "Reporter Jomana Karadsheh says:\n\n"
        "“The consulate has been taken over and looted by the attackers tonight.”"
    )
    assert speakers(text) == [("Jomana Karadsheh", "Jomana Karadsheh")]


def test_titles_of_shows_are_not_quotes() -> None:
    text = "Pence Speaks\n\nPence said on “Fox News Sunday,” that he would not attend the debate."
    assert analyse(text).quotes == ()
    # In a headline every word is capitalised, and a quote there is still a quote.
    text = "Warren to Wells Fargo CEO: ‘You Should Be Criminally Investigated’\n\nBody text."
    assert len(analyse(text).quotes) == 1


def test_seed_article_speakers_are_what_a_careful_reader_writes() -> None:
    from newsreader.corpus import load_sample

    newsy = next(d for d in load_sample().documents if d.outlet == "Newsy")
    names = [q.speaker_name for q in newsy.quotes]
    assert names[:3] == ["Ali Khamenei", "Marie Harf", "John Kerry"]
    breitbart = next(d for d in load_sample().documents if d.outlet == "Breitbart")
    # "he" after "the senior Iranian official": no name to give, and not the U.S. official.
    thoroughly = next(
        q for q in breitbart.quotes if "thoroughly" in breitbart.text[q.start : q.end]
    )
    assert thoroughly.speaker_name == "the senior Iranian official"


def test_he_after_an_unnamed_official_is_that_official() -> None:
    text = (
        "Syrian President Bashar Assad spoke on Monday.\n\n"
        "However, according to the senior Iranian official, those lines were blurred. "
        "Speaking on condition of anonymity, he said Tehran discussed the issue “thoroughly” "
        "with the U.S."
    )
    assert speakers(text) == [("the senior Iranian official", "the senior Iranian official")]


def test_the_person_quoted_as_saying_and_a_second_speaker_joined_by_and() -> None:
    text = (
        "One PressTV article quoted parliament speaker Ali Larijani – who accused the US – "
        "saying the new coalition “lacks wisdom,” and another official saying it is "
        "“suspicious and not transparent.”"
    )
    assert speakers(text) == [
        ("Ali Larijani", "Ali Larijani"),
        ("another official", "another official"),
    ]


def test_a_sentence_opening_with_and_said_names_no_one_and_does_not_fail() -> None:
    # Found preparing a 100,000-article archive: 38 articles whose sentences were shuffled
    # failed analysis with an IndexError on "And said, ‘...’".
    text = (
        "The senator spoke on Monday.\n\n"
        "And said, ‘I just want you to know that we are here for you.’ That was all.\n"
    )
    quotes = analyse(text).quotes
    assert [q.speaker for q in quotes] == [None]
