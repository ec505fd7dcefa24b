"""Every action of the app, declared once.

From :data:`ACTIONS` come the app's and the article view's ``BINDINGS``, the help screen, the
command palette and the README's key table (``tests/tui/test_actions.py`` fails when the README
differs from :func:`readme_table`). Adding an action is adding one entry here and an
``action_<name>`` method on its target (the app, unless ``scope`` says otherwise).

This module imports nothing from Textual at import time but ``Binding`` (a small dataclass), so
the registry is cheap to read from the command line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from textual.binding import Binding

Scope = Literal["app", "view", "none"]


@dataclass(frozen=True)
class Action:
    """One thing a user can do with a key.

    ``id`` is what the keymap file remaps; ``key`` the default (Textual key names, commas
    between alternatives); ``action`` the Textual action string it runs (default: ``id``);
    ``description`` the short name (footer, palette); ``tooltip`` the sentence for the help
    screen and the README; ``edits`` whether it changes the store (refused read-only);
    ``show`` whether the footer shows it; ``palette`` whether the command palette lists it;
    ``scope`` where it is bound: the app, the article view, or nowhere (a key handled by a
    widget of its own, listed for the help and README only).
    """

    id: str
    key: str
    description: str
    tooltip: str
    action: str = ""
    edits: bool = False
    show: bool = False
    palette: bool = True
    scope: Scope = "app"
    shown_key: str = ""
    """How the README and the help name the key, when not derived from ``key``."""
    footer_first: bool = False
    """Shown at the start of the footer (quit and help), before the others in their order."""

    @property
    def sentence(self) -> str:
        """The tooltip as a sentence on screen (capitalised, without the README's backticks)."""
        text = self.tooltip.replace("`", "")
        return text[:1].upper() + text[1:]

    @property
    def run(self) -> str:
        """The Textual action string this runs."""
        return self.action or self.id


def _actions(*items: Action) -> dict[str, Action]:
    found: dict[str, Action] = {}
    for item in items:
        if item.id in found:
            raise ValueError(f"action id {item.id!r} is declared twice")
        found[item.id] = item
    return found


ACTIONS: dict[str, Action] = _actions(
    Action(
        "cursor_vim",
        "",
        "Move",
        "move the cursor (`l` is the link key, so there is no vim right)",
        scope="none",
        shown_key="arrows, `h` `j` `k`",
        palette=False,
    ),
    Action("cursor_left_vim", "h", "Left", "cursor left", "cursor_left", scope="view"),
    Action("cursor_down_vim", "j", "Down", "cursor down", "cursor_down", scope="view"),
    Action("cursor_up_vim", "k", "Up", "cursor up", "cursor_up", scope="view"),
    Action(
        "select",
        "",
        "Select",
        "extend the selection; the mouse also clicks, drags and scrolls",
        scope="none",
        shown_key="shift+arrows",
        palette=False,
    ),
    Action("next_pane", "tab", "Next pane", "move to the next pane", "focus_next_pane"),
    Action(
        "previous_pane",
        "shift+tab",
        "Previous pane",
        "move to the previous pane",
        "focus_previous_pane",
    ),
    Action(
        "search",
        "slash",
        "Search",
        "search the focused article: enter goes to the first match at or after the cursor",
        show=True,
    ),
    Action("search_next", "n", "Next match", "the next match of the search"),
    Action("search_previous", "N", "Previous match", "the previous match of the search"),
    Action("select_sentence", "s", "Sentence", "select the sentence under the cursor", show=True),
    Action("tag_claim", "c", "Claim", "tag the selection as a claim", "tag('claim')", True, True),
    Action(
        "tag_quote",
        "q",
        "Quote",
        "tag the selection as a quote; asks for the speaker, filled in with the detected one",
        "tag('quote')",
        True,
        True,
    ),
    Action(
        "link",
        "l",
        "Link",
        "the link panel: ranked candidates with scores and a preview; enter links, "
        "`x` (`link_reject`) rejects",
        edits=True,
        show=True,
    ),
    Action(
        "suggest_links",
        "L",
        "Suggest links",
        "suggest links between the articles of the open story (in the background, progress in "
        "the status bar); `a` accepts the one under the cursor after showing its target",
        edits=True,
    ),
    Action("undo", "u", "Undo", "undo the last edit wholly", edits=True, show=True),
    Action("redo", "ctrl+r", "Redo", "redo the last undone edit", edits=True, show=True),
    Action("delete", "d", "Delete", "delete the span under the cursor", edits=True),
    Action(
        "edit",
        "e",
        "Edit",
        "edit the label, speaker and note of the span under the cursor",
        edits=True,
    ),
    Action(
        "grow_start",
        "left_square_bracket",
        "Grow start",
        "add a word at the start of the span under the cursor",
        "resize('start', True)",
        edits=True,
    ),
    Action(
        "shrink_start",
        "left_curly_bracket",
        "Shrink start",
        "take a word off the start of the span under the cursor",
        "resize('start', False)",
        edits=True,
    ),
    Action(
        "grow_end",
        "right_square_bracket",
        "Grow end",
        "add a word at the end of the span under the cursor",
        "resize('end', True)",
        edits=True,
    ),
    Action(
        "shrink_end",
        "right_curly_bracket",
        "Shrink end",
        "take a word off the end of the span under the cursor",
        "resize('end', False)",
        edits=True,
    ),
    Action(
        "cycle_relation",
        "r",
        "Relation",
        "give the statement member under the cursor the next relation "
        "(the same, paraphrase, contradicts, misquote, partial, configured ones)",
        edits=True,
    ),
    Action(
        "unlink", "U", "Unlink", "take the span under the cursor out of its statement", edits=True
    ),
    Action(
        "dissolve",
        "D",
        "Dissolve",
        "dissolve the statement group of the span under the cursor (its spans stay)",
        edits=True,
    ),
    Action(
        "choose_relation",
        "R",
        "Choose relation",
        "choose the relation of the statement member under the cursor from a list",
        edits=True,
    ),
    Action(
        "merge",
        "M",
        "Merge",
        "merge another statement group (chosen from a list) into the one under the cursor",
        edits=True,
    ),
    Action(
        "statement",
        "g",
        "Statement",
        "the statement view: the members across outlets with relation, speaker, annotator; "
        "`r` relation, `U` unlink, `D` dissolve, `M` merge, enter goes to the member",
    ),
    Action(
        "annotator_view",
        "A",
        "Annotators",
        "show every annotator's spans, only mine, or one other annotator's (cycles)",
    ),
    Action(
        "choose_annotator",
        "W",
        "Whose spans",
        "choose whose spans to show from a list of the store's annotators with their span "
        "counts: all, mine, or one annotator's",
    ),
    Action(
        "curate",
        "C",
        "Curate",
        "the curation screen for the focused article: two annotators' versions, agreements "
        "accepted into the `curated` layer, one key per disagreement",
        edits=True,
    ),
    Action(
        "accept_suggestion",
        "a",
        "Accept",
        "accept the suggestion (detected quote or stored link) under the cursor",
        edits=True,
    ),
    Action(
        "reject_suggestion",
        "x",
        "Reject",
        "reject the suggestion under the cursor; it is not offered again",
        edits=True,
    ),
    Action(
        "pick_document",
        "o",
        "Open article",
        "choose the focused pane's article: type a word of its outlet, title or text (exact "
        "and prefix matches first); `ctrl+t` (`picker_story`) lists the open story's only",
        show=True,
    ),
    Action(
        "stories",
        "t",
        "Stories",
        "the stories of the corpus (the same event across outlets), filtered as you type; "
        "enter opens one side by side, and `o` lists its articles that did not fit first; "
        "`ctrl+o` moves an article of the highlighted story, `ctrl+s` splits it, `ctrl+g` "
        "merges another into it, `ctrl+n` names it, `ctrl+z` undoes",
    ),
    Action(
        "story_move",
        "ctrl+o",
        "Move to story",
        "move the focused article to another story (chosen from a list); on the stories "
        "screen, `ctrl+o` moves an article of the highlighted story",
        edits=True,
    ),
    Action(
        "story_split",
        "ctrl+s",
        "Split story",
        "take articles (chosen) out of the focused article's story into a new story; "
        "`ctrl+s` on the stories screen splits the highlighted one",
        edits=True,
    ),
    Action(
        "story_merge",
        "ctrl+g",
        "Merge stories",
        "merge another story (chosen from a list) into the focused article's story; "
        "`ctrl+g` on the stories screen merges into the highlighted one",
        edits=True,
    ),
    Action(
        "story_rename",
        "ctrl+n",
        "Rename story",
        "name the focused article's story (empty: its most central title); `ctrl+n` on the "
        "stories screen names the highlighted one. Corrections are kept in the store, hold "
        "when the stories are grouped again, and `u` (`ctrl+z` on the stories screen) undoes "
        "each",
        edits=True,
    ),
    Action(
        "search_corpus",
        "F",
        "Find in corpus",
        "find words in every open article: the matching sentences with their outlet, streamed "
        "in as they are found; enter opens the article at the match",
    ),
    Action("add_pane", "plus", "Add pane", "add a pane (up to four)"),
    Action("close_pane", "minus", "Close pane", "close the focused pane"),
    Action(
        "toggle_sidebar",
        "b",
        "Annotations",
        "the annotations of the open articles, by article; `f` filters by label, the "
        "annotator view (`A`) by annotator; enter jumps to one",
        show=True,
    ),
    Action("toggle_fold", "z", "Fold", "fold or unfold boilerplate"),
    Action(
        "coverage",
        "v",
        "Coverage",
        "the coverage screen: statements × outlets; enter opens a statement in its outlets; "
        "below, how the quotes of one speaker differ",
        show=True,
    ),
    Action(
        "command_palette",
        "ctrl+p",
        "Palette",
        "the command palette: every action by name",
        scope="none",
        palette=False,
    ),
    Action(
        "quit",
        "ctrl+q",
        "Quit",
        "quit; everything is already saved",
        show=True,
        palette=False,
        footer_first=True,
    ),
    Action("help", "question_mark", "Help", "every key", show=True, footer_first=True),
)


KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "plus": "+",
    "minus": "-",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "left_curly_bracket": "{",
    "right_curly_bracket": "}",
}


def key_name(key: str) -> str:
    """How a person writes ``key`` (Textual key names, commas between alternatives)."""
    return ", ".join(KEY_NAMES.get(k.strip(), k.strip()) for k in key.split(",") if k.strip())


def bindings(scope: Scope) -> list[Binding]:
    """The Textual bindings of the actions bound in ``scope``, each with its id and tooltip."""
    return [
        Binding(
            a.key,
            a.run,
            a.description,
            show=a.show,
            id=a.id,
            tooltip=a.sentence,
        )
        for a in sorted(ACTIONS.values(), key=lambda a: not a.footer_first)
        if a.scope == scope
    ]


def palette_actions() -> list[Action]:
    """The actions the command palette lists."""
    return [a for a in ACTIONS.values() if a.palette and a.scope == "app"]


def key_rows(keymap: Mapping[str, str] = {}) -> list[tuple[str, str, str]]:
    """(key, what it does, id) for the help screen, with the user's keymap applied."""
    rows = []
    for action in ACTIONS.values():
        key = keymap.get(action.id, action.key)
        shown = key_name(key) if key else action.shown_key.replace("`", "")
        rows.append((shown, action.sentence, action.id))
    return rows


SCREEN_KEY_IDS = frozenset(
    {
        "command_palette",
        "coverage_close",
        "coverage_open",
        "dialog_cancel",
        "help_close",
        "link_close",
        "link_reject",
        "picker_close",
        "picker_down",
        "picker_up",
        "picker_story",
        "search_close",
        # Corpus-wide search (tui/screens/search.py).
        "corpus_search_close",
        "corpus_search_down",
        "corpus_search_up",
        "store_move_aside",
        "store_problem_close",
        "store_problem_quit",
        "store_read_only",
        "store_without",
        "chooser_close",
        "sidebar_label",
        # The story chooser (tui/screens/stories.py).
        "stories_close",
        "stories_down",
        "stories_up",
        "stories_move",
        "stories_split",
        "stories_merge",
        "stories_rename",
        "stories_undo",
        # The story corrections' dialogs (tui/screens/story_dialogs.py).
        "story_articles_take",
        "stories_page_down",
        "stories_page_up",
        "statement_close",
        "statement_dissolve",
        "statement_jump",
        "statement_merge",
        "statement_relation",
        "statement_unlink",
        # The screen's dialogs (tui/screens/dialogs.py).
        "confirm_link",
        "confirm_link_cancel",
        "label_open",
        "label_save",
        # The curation screen (tui/screens/curation.py).
        "curate_close",
        "curate_edit",
        "curate_edit_cancel",
        "curate_end_left",
        "curate_end_right",
        "curate_neither",
        "curate_next",
        "curate_previous",
        "curate_start_left",
        "curate_start_right",
        "curate_take_a",
        "curate_take_b",
        "curate_undo",
        *(f"curate_take_{number}" for number in range(1, 10)),
    }
)
"""Ids of the keys that screens and dialogs bind for themselves (also remappable by id)."""


def unknown_ids(keymap: Iterable[str]) -> list[str]:
    """The ids of a keymap that name no action nor screen key (a typo or an old name)."""
    bound = {a.id for a in ACTIONS.values() if a.scope != "none"} | SCREEN_KEY_IDS
    return [key for key in keymap if key not in bound]


def readme_table() -> str:
    """The README's key table, one row per action."""
    lines = ["| key | id | what it does |", "|---|---|---|"]
    for action in ACTIONS.values():
        key = action.shown_key or f"`{key_name(action.key)}`"
        ident = f"`{action.id}`" if action.scope != "none" or action.key else ""
        lines.append(f"| {key} | {ident} | {action.tooltip} |")
    return "\n".join(lines) + "\n"


__all__ = [
    "ACTIONS",
    "Action",
    "bindings",
    "key_name",
    "key_rows",
    "palette_actions",
    "readme_table",
    "unknown_ids",
]
