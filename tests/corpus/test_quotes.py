"""Quote detection and speaker attribution on small, hand-made texts."""

from __future__ import annotations

from newsreader.corpus import analyse


def quotes(text: str) -> list[tuple[str, str | None]]:
    structure = analyse(text)
    return [(text[q.start : q.end], q.speaker) for q in structure.quotes]


def test_said_after_and_before() -> None:
    assert quotes('"We will not cooperate," Kerry said.') == [('"We will not cooperate,"', "Kerry")]
    assert quotes("“It is over,” said Sen. Ted Cruz, R-Texas.") == [("“It is over,”", "Ted Cruz")]
    assert quotes("“It is over,” the official added.") == [("“It is over,”", "the official")]


def test_colon_introduction() -> None:
    text = "Psaki told reporters: “We are not coordinating with Iran.”"
    assert quotes(text) == [("“We are not coordinating with Iran.”", "Psaki")]


def test_according_to() -> None:
    text = "The coalition will fight “by any means necessary,” according to Agence France-Presse."
    assert quotes(text) == [("“by any means necessary,”", "Agence France-Presse")]


def test_split_quote_continues() -> None:
    text = "“It would not be appropriate”, stated Kerry, “for any number of reasons”."
    structure = analyse(text)
    first, second = structure.quotes
    assert (first.speaker, second.speaker) == ("Kerry", "Kerry")
    assert second.continues == 0 and first.continues is None


def test_quote_over_several_paragraphs() -> None:
    text = (
        "The minister spoke at length.\n\n"
        "“We will not take part in this coalition. It is a mistake.\n\n"
        "“Nobody asked us, and nobody will,” Zarif said.\n"
    )
    [(passage, speaker)] = quotes(text)
    assert passage.startswith("“We will not") and passage.endswith("nobody will,”")
    assert speaker == "Zarif"


def test_following_quote_sentence_keeps_the_speaker() -> None:
    text = "“We are ready,” Harf said. “We have been ready for weeks and we will stay ready.”"
    assert [s for _, s in quotes(text)] == ["Harf", "Harf"]


def test_pronoun_resolves_to_the_named_speaker_before_it() -> None:
    text = (
        "“First point,” Warren said.\n\n“The only way Wall Street will change is jail,” she said."
    )
    assert [s for _, s in quotes(text)] == ["Warren", "Warren"]


def test_single_and_doubled_single_marks() -> None:
    assert quotes("Trump: 'I will build a great wall and Mexico will pay'") == [
        ("'I will build a great wall and Mexico will pay'", "Trump")
    ]
    text = "''Of course, I pay federal taxes,'' Mr. Trump said."
    assert quotes(text) == [("''Of course, I pay federal taxes,''", "Trump")]


def test_apostrophes_are_not_quotes() -> None:
    text = "Iran’s leader and the Clintons’ foundation didn’t talk about the ’90s or rock ’n’ roll."
    assert quotes(text) == []


def test_scare_quotes_without_attribution_are_not_quotes() -> None:
    assert quotes("The so-called “safe haven” was bombed again on Monday.") == []


def test_dash_signature() -> None:
    text = "“Trump must stop portraying Latinos as dangerous.”― Carla Sanchez"
    assert quotes(text)[0][1] == "Carla Sanchez"


def test_unclosed_quote_runs_to_the_paragraph_end() -> None:
    text = "He said “this is where it stops and nobody can tell us otherwise\n\nNext paragraph."
    [(passage, speaker)] = quotes(text)
    assert passage.endswith("otherwise")
    assert speaker == "He"


def test_markup_attribute_values_are_not_quotes() -> None:
    text = (
        "“We need answers now,” Pence said.\n\n"
        '<tweet id="768166957728358400" author="@AP" datetime="2016-08-23">BREAKING: news</tweet>'
    )
    assert quotes(text) == [("“We need answers now,”", "Pence")]
    assert quotes('Trump tweeted "@brianefallon" and "2016-08-02" with a link, he said.') == []


def test_headline_with_a_byline_is_not_a_quote() -> None:
    text = (
        'NOW OPEN—"Pop-up art show strives to confront South Bronx gentrification,"'
        " by DNAinfo's Eddie Small, was shared widely.\n\n"
        '"It is a fine show," Small said.'
    )
    assert quotes(text) == [('"It is a fine show,"', "Small")]


def test_a_thing_called_by_a_name_is_not_a_quote() -> None:
    assert quotes('Comedians perform a popular play called "Los Hijos de Trump," he said.') == []
    assert quotes("It came from an account called “Hypo-Cruz” on Thursday, Cruz said.") == []
    # Calling someone something is still speech: "Trump called Rubio "Little Marco"".
    assert quotes("Trump called Rubio “a lightweight” again.") == [("“a lightweight”", "Trump")]


def test_short_chants_shouts_and_signs_are_quotes() -> None:
    text = "Protesters interrupted her speech, shouting “she wins, we lose!”"
    assert quotes(text) == [("“she wins, we lose!”", "Protesters")]
    text = "A girl held up a sign that read “Hispanics 4 Trump” in the front row."
    assert quotes(text) == [("“Hispanics 4 Trump”", None)]
    # Without such a word, a short unattributed passage is still a scare quote.
    assert quotes("Headline\n\nThe plan was “dead on arrival” in the Senate.") == []


def test_words_quoted_in_a_headline_are_quotes() -> None:
    text = (
        "DNC issues ‘deep and sincere apology’ to Bernie Sanders\n\nThe party apologised on Monday."
    )
    assert quotes(text) == [("‘deep and sincere apology’", None)]
    # One or two words, or a title in capitals, stay scare quotes and names.
    assert quotes("Clinton blasts Trump over ‘deportation force’ idea\n\nMore text.") == []
    assert quotes("Former PAC Becomes ‘Defeat Crooked Hillary PAC.’\n\nMore text.") == []


def test_a_dash_before_a_gloss_is_no_signature() -> None:
    text = "The name ''Brujas'' -- Spanish for ''witches'' -- comes from a 1986 video."
    assert [speaker for _, speaker in quotes("Headline\n\n" + text)] == []
    assert quotes("Headline\n\n“Stop portraying Latinos as dangerous.” ― Carla Sanchez, 2016") == [
        ("“Stop portraying Latinos as dangerous.”", "Carla Sanchez")
    ]


def test_a_long_title_of_a_book_is_not_a_quote() -> None:
    text = (
        "Headline\n\nHe wrote ''Those Guys Have All the Fun: Inside the World of ESPN.'' in 2011."
    )
    assert quotes(text) == []


def test_a_phrase_someone_used_is_a_quote() -> None:
    text = "Headline\n\nTrump has used the phrase “Islamic terrorism” often in his campaign."
    assert quotes(text) == [("“Islamic terrorism”", "Trump")]
    text = "Headline\n\nThe rally had one message: “Dump Trump.”\n\nIt ended at noon."
    assert quotes(text) == [("“Dump Trump.”", "The rally")]
    # The phrase itself is no speaker: "The phrase "tax reform" was uttered once".
    assert quotes("Headline\n\nThe phrase “tax reform” was uttered once.") == [
        ("“tax reform”", None)
    ]


def test_as_someone_put_it() -> None:
    text = "Headline\n\nHe is seen, as The New Yorker put it in a long piece, as “the operator.”"
    assert quotes(text) == [("“the operator.”", "New Yorker")]
    text = "Headline\n\nShe was, in the words of a senior adviser, “the torchbearer” of his legacy."
    assert quotes(text) == [("“the torchbearer”", "a senior adviser")]
    assert quotes("Headline\n\n“It is the end,” as one voter put it.") == [
        ("“It is the end,”", "one voter")
    ]


def test_sung_and_jeered_words_are_quotes() -> None:
    text = "Headline\n\nThe band leader called them up, singing “It's Our Time.” They came."
    assert [q for q, _ in quotes(text)] == ["“It's Our Time.”"]
    text = "Headline\n\nOnce, Freddy circled the boat as his friends jeered, “Do svidaniya!”"
    assert quotes(text) == [("“Do svidaniya!”", "his friends")]


def test_a_capitalised_sentence_with_a_verb_is_no_title() -> None:
    # A title capitalises its verbs; a lower-case "is" makes the words a sentence.
    text = "Headline\n\n''Nusra is Al Qaeda,'' Mr. Kerry said."
    assert quotes(text) == [("''Nusra is Al Qaeda,''", "Kerry")]
    assert quotes("Headline\n\nHe appeared on “Face the Nation” on Sunday.") == []


def test_a_quote_after_a_line_break_has_its_own_speaker() -> None:
    text = (
        "Headline\n\n“It is over,” said Sen. David Perdue. “They are not happy at all.”\n"
        "Trump spokesman Jason Miller added, “The media chased after this story for weeks.”"
    )
    speakers = [speaker for _, speaker in quotes(text)]
    assert speakers == ["David Perdue", "David Perdue", "Jason Miller"]


def test_a_passive_speech_verb_names_no_speaker() -> None:
    text = (
        "Headline\n\nOz has been called a charlatan by fellow physicians for promoting “quack”"
        " cures."
    )
    assert quotes(text) == []


def test_a_curly_quote_nested_in_curly_marks() -> None:
    text = (
        "Headline\n\n“I’d rather live in what he calls “hell” than live in his world.”"
        " ― Adriana Rodarte\n\nShe left."
    )
    assert quotes(text) == [
        ("“I’d rather live in what he calls “hell” than live in his world.”", "Adriana Rodarte")
    ]
    # An opening mark that was never closed still gives way to the next passage.
    text = "Headline\n\n“We will go, he said. “And we will win,” Kerry said. It rained."
    assert quotes(text) == [("“And we will win,”", "Kerry")]


def test_a_short_passage_after_a_line_break_does_not_go_on_with_the_quote() -> None:
    text = (
        "Headline\n\n“It is becoming a movement,” DuVernay said. “It will grow in every city.”\n"
        "Check out the full trailer for her documentary, “13th,” below."
    )
    found = [q for q, _ in quotes(text)]
    assert found == ["“It is becoming a movement,”", "“It will grow in every city.”"]


def test_what_someone_calls_a_thing_is_a_quote() -> None:
    text = "Headline\n\nHer aide, Jake Sullivan, calls her record a “blueprint” for growth."
    assert quotes(text) == [("“blueprint”", "Jake Sullivan")]
    text = "Headline\n\nTrump then cut into Bush, calling him a “stiff” on stage."
    assert quotes(text) == [("“stiff”", "Trump")]
