"""The app's editing actions: each asks the workbench for one intent and repaints what changed.

Nothing here decides a domain question (which span a link makes, what undo takes back): that is
the workbench's (``newsreader.annotations.workbench``). Each action finds what the user points
at (the selection, the span under the cursor), asks a dialog when one is needed, and hands the
:class:`~newsreader.annotations.workbench.Outcome` to ``App.show_outcome``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from newsreader.annotations.linking import Candidate
    from newsreader.annotations.model import Span
    from newsreader.annotations.workbench import Outcome, Workbench

    from .widgets.document_pane import DocumentPane


class EditingActions:
    """Mixed into the app: tag, link, undo, redo, delete, edit, resize, relations, suggestions."""

    # The app provides ``workbench``, ``store``, ``state``, ``active_group``, ``focused_pane``
    # and ``repaint``, besides Textual's own.
    workbench: Workbench
    state: str
    active_group: str | None

    def intent(self, work: Callable[[], Outcome]) -> Outcome | None:
        """Run a workbench intent; a refusal or a store error becomes a message."""
        from newsreader.annotations.journal import StoreError
        from newsreader.annotations.store import EditError
        from newsreader.annotations.workbench import IntentRefused

        if self.state == "opening…" and self.store is None:
            self.notify("The store is still opening; try again in a moment.", severity="warning")
            return None
        try:
            return work()
        except (EditError, IntentRefused) as error:
            self.notify(str(error), severity="warning", timeout=4)
        except StoreError as error:
            self.notify(str(error), severity="error", timeout=20)
        return None

    def show_outcome(self, outcome: Outcome | None) -> None:
        """Repaint what an intent changed and say what it did."""
        if outcome is None:
            return
        store = self.store
        if store is not None and not store.read_only:
            self.state = "saved" if store.saved else "saving…"
        articles: set[str] | None = set(outcome.articles)
        if outcome.group_id is not None and outcome.group_id != self.active_group:
            self.active_group = outcome.group_id
            articles = None  # the marked statement changed: every pane shows it
        self.repaint(articles)
        if outcome.message:
            self.notify(outcome.message, timeout=3)

    def span_at_cursor(self, pane: DocumentPane | None = None) -> Span | None:
        """The span exactly selected in the pane, else the innermost one under its cursor."""
        pane = pane or self.focused_pane()
        if pane is None or pane.article is None:
            return None
        view = pane.view
        return self.workbench.span_at(pane.article.id, view.cursor_offset, view.selected_range())

    def _span_or_say(self) -> Span | None:
        span = self.span_at_cursor()
        if span is None:
            self.notify("There is no span under the cursor.", severity="warning")
        return span

    def action_tag(self, label: str) -> None:
        pane = self.focused_pane()
        if pane is None or pane.article is None:
            return
        selected = pane.view.selected_range()
        if selected is None:
            self.notify(
                "Select some words first (s selects the sentence under the cursor).",
                severity="warning",
            )
            return
        doc = pane.article
        if label != "quote":
            self.show_outcome(self.intent(lambda: self.workbench.tag(doc.id, *selected, label)))
            return
        if self.intent(lambda: self.workbench.require_writable()) is None:
            return
        from .screens.dialogs import SpeakerDialog

        def tag_quote(speaker: str | None) -> None:
            if speaker is not None:
                self.show_outcome(
                    self.intent(lambda: self.workbench.tag_quote(doc.id, *selected, speaker))
                )

        detected = self.workbench.detected_speaker(doc.id, *selected) or ""
        self.push_screen(SpeakerDialog(doc.text[selected[0] : selected[1]], detected), tag_quote)

    def action_link(self) -> None:
        span = self.span_at_cursor()
        if span is None:
            self.notify(
                "Put the cursor on a tagged span first (c or q tags the selection).",
                severity="warning",
            )
            return
        if self.workbench.linker is None:
            self.notify("Still indexing the articles; try again in a moment.", severity="warning")
            return
        workbench = self.workbench

        def find() -> list[Candidate]:
            from .link_actions import LINK_POOL

            return self.rank_links(span.doc_id, workbench.candidates(span.id, top_k=LINK_POOL))  # type: ignore[attr-defined]

        def reject(candidate: Candidate) -> None:
            self.show_outcome(
                self.intent(lambda: workbench.reject_link(span.id, candidate.passage))
            )

        def chosen(candidate: Candidate | None) -> None:
            if candidate is not None:
                self.show_outcome(self.intent(lambda: workbench.link(span.id, candidate)))

        from .screens.link_panel import LinkPanel

        story = self.story_of(span.doc_id)  # type: ignore[attr-defined]
        self.push_screen(LinkPanel(span.text, find, reject, workbench.by_id, story), chosen)

    def action_undo(self) -> None:
        self.show_outcome(self.intent(self.workbench.undo))

    def action_redo(self) -> None:
        self.show_outcome(self.intent(self.workbench.redo))

    def action_delete(self) -> None:
        span = self._span_or_say()
        if span is not None:
            self.show_outcome(self.intent(lambda: self.workbench.delete(span.id)))

    def action_edit(self) -> None:
        span = self._span_or_say()
        if span is None or self.intent(lambda: self.workbench.require_writable()) is None:
            return

        def save(changes: dict[str, Any] | None) -> None:
            if changes is not None:
                self.show_outcome(
                    self.intent(
                        lambda: self.workbench.edit(
                            span.id, label=changes["label"], attributes=changes["attributes"]
                        )
                    )
                )

        from .screens.dialogs import EditDialog

        self.push_screen(EditDialog(span, self.workbench.store.labels), save)  # type: ignore[union-attr]

    def action_resize(self, side: str, grow: bool) -> None:
        span = self._span_or_say()
        if span is not None:
            outcome = self.intent(
                lambda: self.workbench.resize_by_word(span.id, side, grow)  # type: ignore[arg-type]
            )
            self.show_outcome(outcome)
            pane = self.focused_pane()
            store = self.workbench.store
            new = store.span(span.id) if (outcome and store) else None
            if pane is not None and new is not None:
                pane.view.select_range(new.start, new.end)

    def action_cycle_relation(self) -> None:
        span = self._span_or_say()
        if span is not None:
            self.show_outcome(self.intent(lambda: self.workbench.cycle_relation(span.id)))

    def action_unlink(self) -> None:
        span = self._span_or_say()
        if span is not None:
            self.show_outcome(self.intent(lambda: self.workbench.unlink(span.id)))

    def action_dissolve(self) -> None:
        span = self._span_or_say()
        if span is None:
            return
        group = self.workbench.group_of(span.id)
        if group is None:
            self.notify("This span is not linked to anything.", severity="warning")
            return
        self.show_outcome(self.intent(lambda: self.workbench.dissolve(group.id)))

    def _suggestion_intent(self, accept: bool) -> None:
        pane = self.focused_pane()
        if pane is None or pane.article is None:
            return
        doc_id, offset = pane.article.id, pane.view.cursor_offset
        found = self.workbench.suggestion_at(doc_id, offset) if accept else None
        if found is not None and found.kind == "link" and found.there is not None:
            # A link joins this passage to one the user may not have seen: show it first.
            if self.intent(lambda: self.workbench.require_writable()) is None:
                return
            from .screens.dialogs import ConfirmLinkDialog

            there = found.there
            target = self.workbench.by_id.get(there.doc_id)
            here_doc = pane.article

            def answered(yes: bool | None) -> None:
                if yes:
                    self.show_outcome(self.intent(lambda: self.workbench.accept(doc_id, offset)))

            self.push_screen(
                ConfirmLinkDialog(
                    here_doc.text[found.here.start : found.here.end],
                    (target.outlet or "unknown outlet") if target else there.doc_id,
                    target.title if target else "",
                    target.text[there.start : there.end] if target else "",
                ),
                answered,
            )
            return
        if accept:
            self.show_outcome(self.intent(lambda: self.workbench.accept(doc_id, offset)))
        else:
            self.show_outcome(self.intent(lambda: self.workbench.reject(doc_id, offset)))

    def action_accept_suggestion(self) -> None:
        self._suggestion_intent(True)

    def action_reject_suggestion(self) -> None:
        self._suggestion_intent(False)


__all__ = ["EditingActions"]
