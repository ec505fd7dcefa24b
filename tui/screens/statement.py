"""The statement view: one statement group's members across outlets, edited with the app's keys.

Each row is a member: outlet, relation, speaker, annotator and text. ``r`` chooses the member's
relation, ``U`` unlinks it, ``D`` dissolves the group, ``M`` merges another group into it, enter
jumps to the member in its pane. The intents are the workbench's; the app runs them (reporting a
refusal) through the ``run`` callable it hands over, and the view lists the group again.

:class:`Chooser` is the small list both the view and the app use to pick a relation or a group.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from newsreader.annotations.workbench import IntentRefused, Member, Outcome, Workbench

from ..safe import inert

SAME = "the same statement"
"""How the chooser names "no relation": the member says the same as the statement."""


class Chooser(ModalScreen[str | None]):
    """A titled list; enter returns the highlighted option's id, escape returns None."""

    DEFAULT_CSS = """
    Chooser { align: center middle; }
    Chooser > Vertical {
        width: 80%; max-width: 110; height: auto; max-height: 80%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    Chooser OptionList { height: auto; max-height: 30; border: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="chooser_close"),
    ]

    def __init__(
        self, title: str, options: Sequence[tuple[str, Text | str]], *, highlight: str = ""
    ) -> None:
        super().__init__()
        self.title_text = title
        self.options = list(options)
        self.start = next((i for i, (ident, _) in enumerate(self.options) if ident == highlight), 0)

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield OptionList(
                *(
                    Option(label if isinstance(label, Text) else Text(label), id=ident)
                    for ident, label in self.options
                ),
                id="choices",
            )

    def on_mount(self) -> None:
        choices = self.query_one(OptionList)
        choices.focus()
        if self.options:
            choices.highlighted = self.start

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)


def relation_choices(relations: Sequence[str], current: str | None) -> list[tuple[str, Text]]:
    """The chooser's options for a member's relation; ``""`` is "the same statement"."""
    found: list[tuple[str, Text]] = []
    for ident, name in [("", SAME), *((r, r) for r in relations)]:
        line = Text(name)
        if (current or "") == ident:
            line.append("  (now)", style="dim")
        found.append((ident, line))
    return found


def statement_choices(statements: Sequence[tuple[str, int, str]]) -> list[tuple[str, Text]]:
    """The chooser's options for a statement group: its size and its first member's text."""
    found: list[tuple[str, Text]] = []
    for group_id, size, text in statements:
        line = Text()
        line.append(f"{size:>2} members  ", style="dim")
        line.append(inert(text)[:90])
        found.append((group_id, line))
    return found


def member_line(member: Member) -> Text:
    """One row of the statement view."""
    span = member.span
    line = Text()
    line.append(f"{inert(member.outlet)[:18]:<18} ", style="bold cyan")
    line.append(f"{(member.relation or 'same')[:11]:<11} ", style="yellow")
    line.append(f"{inert(span.speaker or '')[:16]:<16} ", style="italic")
    line.append(f"{inert(span.annotator)[:10]:<10} ", style="dim")
    if span.orphaned:
        line.append("orphaned ", style="red")
    line.append(inert(" ".join(span.text.split()))[:120])
    return line


class StatementScreen(ModalScreen[str | None]):
    """A statement group's members; dismissed with the span id to jump to, or None."""

    DEFAULT_CSS = """
    StatementScreen { align: center middle; }
    StatementScreen > Vertical {
        width: 96%; height: 80%; border: round $accent; background: $surface; padding: 0 1;
    }
    StatementScreen #members { height: 1fr; border: none; }
    StatementScreen #columns { color: $text-muted; text-style: bold; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="statement_close"),
        Binding("r", "relation", "Relation", id="statement_relation"),
        Binding("U", "unlink", "Unlink", id="statement_unlink"),
        Binding("D", "dissolve", "Dissolve", id="statement_dissolve"),
        Binding("M", "merge", "Merge", id="statement_merge"),
        Binding("enter", "jump", "Go to", id="statement_jump"),
    ]

    def __init__(
        self,
        workbench: Workbench,
        group_id: str,
        run: Callable[[Callable[[], Outcome]], Outcome | None],
    ) -> None:
        super().__init__()
        self.workbench = workbench
        self.group_id = group_id
        self.run_intent = run
        self.members: list[Member] = []

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Statement"
            yield Static(
                f"{'outlet':<19}{'relation':<12}{'speaker':<17}{'annotator':<11}text",
                id="columns",
            )
            yield OptionList(id="members")
        yield Footer()

    def on_mount(self) -> None:
        self.refill()
        self.query_one(OptionList).focus()

    def refill(self) -> bool:
        """List the group's members again; False (and the screen closes) when it is gone."""
        try:
            self.members = self.workbench.statement(self.group_id)
        except IntentRefused:
            self.dismiss(None)
            return False
        members = self.query_one(OptionList)
        keep = members.highlighted or 0
        members.clear_options()
        for member in self.members:
            members.add_option(Option(member_line(member), id=member.span.id))
        members.highlighted = min(keep, len(self.members) - 1) if self.members else None
        box = self.query_one(Vertical)
        box.border_title = f"Statement · {len(self.members)} members"
        return True

    def current(self) -> Member | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.members):
            return None
        return self.members[index]

    def _after(self, outcome: Outcome | None) -> None:
        if outcome is not None and outcome.group_id is not None:
            self.group_id = outcome.group_id
        self.refill()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_jump()

    def action_jump(self) -> None:
        member = self.current()
        if member is not None:
            self.dismiss(member.span.id)

    def action_relation(self) -> None:
        member = self.current()
        store = self.workbench.store
        if member is None or store is None:
            return
        span_id = member.span.id

        def chosen(relation: str | None) -> None:
            if relation is not None:
                self._after(
                    self.run_intent(lambda: self.workbench.set_relation(span_id, relation or None))
                )

        options = relation_choices(store.relations, member.relation)
        chooser = Chooser("Relation to the statement", options, highlight=member.relation or "")
        self.app.push_screen(chooser, chosen)

    def action_unlink(self) -> None:
        member = self.current()
        if member is not None:
            span_id = member.span.id
            self._after(self.run_intent(lambda: self.workbench.unlink(span_id)))

    def action_dissolve(self) -> None:
        self.run_intent(lambda: self.workbench.dissolve(self.group_id))
        self.refill()

    def action_merge(self) -> None:
        choices = self.workbench.statements(exclude=self.group_id)
        if not choices:
            self.notify("There is no other statement group to merge with.", severity="warning")
            return

        def chosen(other: str | None) -> None:
            if other:
                self._after(self.run_intent(lambda: self.workbench.merge(self.group_id, other)))

        self.app.push_screen(
            Chooser("Merge which statement into this one?", statement_choices(choices)), chosen
        )

    def action_close(self) -> None:
        self.dismiss(None)


__all__ = [
    "SAME",
    "Chooser",
    "StatementScreen",
    "member_line",
    "relation_choices",
    "statement_choices",
]
