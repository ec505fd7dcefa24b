"""The app's statement, annotator and curation actions (issue 14).

Choose a member's relation, merge two statements, open the statement view, cycle or choose
whose spans are shown, curate the focused article. Each asks the workbench for one intent and
hands the outcome to ``App.show_outcome``; the screens live in ``screens/statement.py`` and
``screens/curation.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.text import Text

from .display import plural
from .safe import inert

if TYPE_CHECKING:
    from collections.abc import Callable

    from newsreader.annotations.model import Group, Span
    from newsreader.annotations.workbench import Outcome, Workbench

    from .widgets.pane_row import PaneRow


ALL_ANNOTATORS = "all"
VIEW = "view:"
"""The annotator chooser's option ids: everyone's spans, or ``VIEW`` and one annotator's name."""


def annotator_choices(counts: Mapping[str, int], me: str) -> list[tuple[str, Text]]:
    """The annotator chooser's options: all, mine (``me``), then every other annotator, each
    with its span count."""
    total = sum(counts.values())
    options = [(ALL_ANNOTATORS, Text(f"All annotators  ({plural(total, 'span')})"))]
    line = Text("Mine: ")
    line.append(inert(me), style="bold")
    line.append(f"  ({plural(counts.get(me, 0), 'span')})")
    options.append((VIEW + me, line))
    for name, count in sorted(counts.items()):
        if name and name != me:
            line = Text(inert(name))
            line.append(f"  ({plural(count, 'span')})")
            options.append((VIEW + name, line))
    return options


class StatementActions:
    """Mixed into the app: relations, merge, the statement view, the annotator view, curation."""

    # The app provides ``workbench``, ``row``, ``annotator``, ``focused_pane``, ``intent``,
    # ``show_outcome``, ``show_in``, ``refresh_all`` and ``span_at_cursor``, besides Textual's.
    workbench: Workbench
    row: PaneRow
    active_group: str | None

    def _group_or_say(self) -> tuple[Span, Group] | None:
        span = self.span_at_cursor()
        if span is None:
            self.notify("There is no span under the cursor.", severity="warning")
            return None
        group = self.workbench.group_of(span.id)
        if group is None:
            self.notify(
                "This span is not linked to anything (l links it to another outlet).",
                severity="warning",
            )
            return None
        return span, group

    def run_and_show(self, work: Callable[[], Outcome]) -> Outcome | None:
        """Run an intent, repaint what it changed and say what it did (for the screens)."""
        outcome = self.intent(work)
        self.show_outcome(outcome)
        return outcome

    def action_choose_relation(self) -> None:
        found = self._group_or_say()
        if found is None:
            return
        span, group = found
        store = self.workbench.store
        assert store is not None
        from .screens.statement import Chooser, relation_choices

        def chosen(relation: str | None) -> None:
            if relation is not None:
                self.run_and_show(lambda: self.workbench.set_relation(span.id, relation or None))

        current = group.members.get(span.id)
        options = relation_choices(store.relations, current)
        self.push_screen(
            Chooser("Relation to the statement", options, highlight=current or ""), chosen
        )

    def action_merge(self) -> None:
        found = self._group_or_say()
        if found is None:
            return
        _span, group = found
        choices = self.workbench.statements(exclude=group.id)
        if not choices:
            self.notify("There is no other statement group to merge with.", severity="warning")
            return
        from .screens.statement import Chooser, statement_choices

        def chosen(other: str | None) -> None:
            if other:
                self.run_and_show(lambda: self.workbench.merge(group.id, other))

        self.push_screen(
            Chooser("Merge which statement into this one?", statement_choices(choices)), chosen
        )

    def action_statement(self) -> None:
        span = self.span_at_cursor()
        group = self.workbench.group_of(span.id) if span else None
        group_id = group.id if group else self.active_group
        if group_id is None or self.workbench.store is None:
            self.notify(
                "Put the cursor on a linked span first (l links a span across outlets).",
                severity="warning",
            )
            return
        from .screens.statement import StatementScreen

        self.push_screen(
            StatementScreen(self.workbench, group_id, self.run_and_show), self.jump_to_span
        )

    def jump_to_span(self, span_id: str | None) -> None:
        """Select a span in the pane showing its article (else show it in the focused pane)."""
        store = self.workbench.store
        span = store.span(span_id) if (store and span_id) else None
        if span is None:
            return
        pane = next((p for p in self.row.panes if p.article and p.article.id == span.doc_id), None)
        if pane is None:
            pane = self.focused_pane()
            doc = self.workbench.by_id.get(span.doc_id)
            if pane is None or doc is None:
                return
            self.show_in(pane, doc)
            pane.call_after_refresh(pane.view.select_range, span.start, span.end)
        else:
            pane.view.select_range(span.start, span.end)
        self.row.last = pane
        pane.view.focus()

    def action_annotator_view(self) -> None:
        store = self.workbench.store
        if store is None:
            self.notify("There is no store open.", severity="warning")
            return
        message = self.workbench.cycle_view(store.annotator)
        self.refresh_all()
        self.notify(message, timeout=3)

    def action_choose_annotator(self) -> None:
        store = self.workbench.store
        if store is None:
            self.notify("There is no store open.", severity="warning")
            return
        from .screens.statement import Chooser

        options = annotator_choices(self.workbench.annotator_counts(), store.annotator)
        now = ALL_ANNOTATORS if self.workbench.view is None else VIEW + self.workbench.view

        def chosen(choice: str | None) -> None:
            if choice is None:
                return
            name = choice.removeprefix(VIEW) if choice.startswith(VIEW) else None
            message = self.workbench.set_view(name)
            self.refresh_all()
            self.notify(message, timeout=3)

        self.push_screen(Chooser("Whose spans to show", options, highlight=now), chosen)

    def action_curate(self) -> None:
        from newsreader.annotations.store import EditError

        pane = self.focused_pane()
        store = self.workbench.store
        if pane is None or pane.article is None:
            self.notify("Open an article first (o).", severity="warning")
            return
        if self.intent(lambda: self.workbench.require_writable()) is None:  # type: ignore[arg-type, return-value]
            return
        assert store is not None
        from newsreader.annotations.curation import CURATED

        from .screens.curation import curation_screen

        doc = pane.article
        names = sorted({s.annotator for s in store.spans(doc.id)} - {CURATED})
        try:
            if len(names) < 2:
                raise EditError("")
            screen = curation_screen(store, doc)
        except EditError:
            self.notify(
                "Curation compares two annotators' spans of one article; this one has spans by "
                f"{', '.join(names) or 'no one'}. Import another annotator's export first "
                "(newsreader import FILE --annotator NAME).",
                severity="warning",
                timeout=10,
            )
            return

        def closed(_: None) -> None:
            self.refresh_all()

        self.push_screen(screen, closed)


__all__ = ["ALL_ANNOTATORS", "VIEW", "StatementActions", "annotator_choices"]
