"""The curation screen: several annotators' versions of one article side by side, merged into a
curated layer one disagreement at a time, with one key each.

Open it with :func:`curation_screen` (or build a :class:`CurationScreen` from a
:class:`~newsreader.annotations.curation.Curation`); it needs only the store and the article.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, Select, Static

from newsreader.annotations.curation import CURATED, Curation, Disagreement, Version
from newsreader.annotations.model import Span
from newsreader.annotations.store import EditError, Store
from newsreader.corpus import Document

from ..safe import inert

CONTEXT = 160
"""Characters of the article shown before and after a disagreement (widened to whole words)."""


def _count(agreements: int) -> str:
    return f"{agreements} agreement{'' if agreements == 1 else 's'}"


def _excerpt(text: str, start: int, end: int) -> tuple[int, int]:
    """The stretch of ``text`` shown around ``start:end``: some context, cut at spaces."""
    left = max(0, start - CONTEXT)
    right = min(len(text), end + CONTEXT)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    return left, right


class VersionPane(Static):
    """One annotator's (or the curated layer's) spans over the stretch of a disagreement."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "version--claim",
        "version--quote",
        "version--other",
        "version--stretch",
        "version--title",
    }
    DEFAULT_CSS = """
    VersionPane {
        width: 1fr; height: 1fr; padding: 0 1; border: round $panel-lighten-2;
        overflow-y: auto;
        .version--claim { background: $primary-muted; text-style: underline; }
        .version--quote { background: $success-muted; text-style: bold underline; }
        /* Apart without colour too (NO_COLOR), within the italic stretch as well. */
        .version--other { background: $accent-muted; text-style: reverse underline; }
        .version--stretch { text-style: italic; }
        .version--title { text-style: bold; color: $text-accent; }
    }
    VersionPane.curated { border: round $accent; }
    """

    def show(
        self, title: str, text: str, item: Disagreement, spans: Sequence[Span], summary: str
    ) -> None:
        """Paint ``spans`` on the article around ``item``, under ``title``, with ``summary``."""
        left, right = _excerpt(text, item.start, item.end)
        body = Text(inert(text[left:right]))
        body.stylize(self._style("version--stretch"), item.start - left, item.end - left)
        for span in spans:
            kind = span.label if span.label in ("claim", "quote") else "other"
            start, end = max(span.start, left), min(span.end, right)
            if start < end:
                body.stylize(self._style(f"version--{kind}"), start - left, end - left)
        # What this version says comes first: at 80×24 the excerpt under it is cut short.
        rendered = Text()
        rendered.append(inert(title), self._style("version--title"))
        rendered.append("\n")
        rendered.append(inert(summary))
        rendered.append("\n\n")
        if left > 0:
            rendered.append("…")
        rendered.append_text(body)
        if right < len(text):
            rendered.append("…")
        self.update(rendered)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)


class CurationEditDialog(ModalScreen[dict[str, Any] | None]):
    """The curated span's label, speaker and note; enter in a field saves, escape cancels."""

    DEFAULT_CSS = """
    CurationEditDialog { align: center middle; }
    CurationEditDialog > Vertical {
        width: 80; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 1 2;
    }
    CurationEditDialog .hint { color: $text-muted; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="curate_edit_cancel")
    ]

    def __init__(self, span: Span, labels: Sequence[str]) -> None:
        super().__init__()
        self.span = span
        self.labels = list(labels)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                Text.assemble(("Span: ", "bold"), inert(" ".join(self.span.text.split()))[:200])
            )
            yield Label("Label:")
            yield Select(
                [(label, label) for label in self.labels],
                value=self.span.label,
                allow_blank=False,
                id="label",
            )
            yield Label("Speaker:")
            yield Input(str(self.span.attributes.get("speaker", "")), id="speaker")
            yield Label("Note:")
            yield Input(str(self.span.attributes.get("note", "")), id="note")
            yield Static("enter saves · escape cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#speaker", Input).focus()

    @on(Input.Submitted)
    def save(self) -> None:
        attributes = dict(self.span.attributes)
        attributes["speaker"] = self.query_one("#speaker", Input).value
        attributes["note"] = self.query_one("#note", Input).value
        label = self.query_one("#label", Select).value
        self.dismiss({"label": label, "attributes": attributes})

    def action_cancel(self) -> None:
        self.dismiss(None)


def _take_bindings() -> list[BindingType]:
    bindings: list[BindingType] = [
        Binding(
            "a",
            "take(0)",
            "Take A",
            id="curate_take_a",
            tooltip="Make the first annotator's version the curated one",
        ),
        Binding(
            "b",
            "take(1)",
            "Take B",
            id="curate_take_b",
            tooltip="Make the second annotator's version the curated one",
        ),
    ]
    for number in range(1, 10):
        bindings.append(
            Binding(
                str(number),
                f"take({number - 1})",
                f"Take annotator {number}",
                show=False,
                id=f"curate_take_{number}",
                tooltip=f"Make annotator {number}'s version the curated one",
            )
        )
    return bindings


class CurationScreen(Screen[None]):
    """Walks the disagreements of one article; escape goes back.

    The agreements are accepted into the curated layer when the screen opens (one edit).
    """

    DEFAULT_CSS = """
    CurationScreen #heading { height: auto; padding: 0 1; text-style: bold; }
    CurationScreen #versions { height: 1fr; }
    CurationScreen #state { height: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        *_take_bindings(),
        Binding(
            "x",
            "neither",
            "Neither",
            id="curate_neither",
            tooltip="Keep no span here in the curated layer",
        ),
        Binding(
            "e",
            "edit",
            "Edit",
            id="curate_edit",
            tooltip="Edit the curated span's label, speaker and note",
        ),
        Binding(
            "left_square_bracket",
            "resize('start', -1)",
            "Start ←",
            show=False,
            id="curate_start_left",
            tooltip="Move the curated span's start one word left",
        ),
        Binding(
            "right_square_bracket",
            "resize('start', 1)",
            "Start →",
            show=False,
            id="curate_start_right",
            tooltip="Move the curated span's start one word right",
        ),
        Binding(
            "left_curly_bracket",
            "resize('end', -1)",
            "End ←",
            show=False,
            id="curate_end_left",
            tooltip="Move the curated span's end one word left",
        ),
        Binding(
            "right_curly_bracket",
            "resize('end', 1)",
            "End →",
            show=False,
            id="curate_end_right",
            tooltip="Move the curated span's end one word right",
        ),
        Binding(
            "n,j,down",
            "next",
            "Next",
            id="curate_next",
            tooltip="The next disagreement",
        ),
        Binding(
            "p,k,up",
            "previous",
            "Previous",
            id="curate_previous",
            tooltip="The previous disagreement",
        ),
        Binding(
            "u",
            "undo",
            "Undo",
            id="curate_undo",
            tooltip="Undo the last curation step wholly",
        ),
        Binding("escape", "close", "Back", id="curate_close", tooltip="Back to the articles"),
    ]

    def __init__(self, curation: Curation, document: Document, *, accept: bool = True) -> None:
        super().__init__()
        self.curation = curation
        self.document = document
        self.position = 0
        self.accepted = 0
        self._accept = accept

    def compose(self) -> ComposeResult:
        yield Static(id="heading")
        with Horizontal(id="versions"):
            for index, _name in enumerate(self.curation.annotators):
                yield VersionPane(id=f"version-{index}")
            yield VersionPane(id="curated", classes="curated")
        yield Static(id="state")
        yield Footer()

    def on_mount(self) -> None:
        if self._accept:
            try:
                self.accepted = self.curation.accept_agreements()
            except EditError as error:
                self.notify(str(error), severity="error")
        self.refresh_view()

    # -- showing ---------------------------------------------------------------------------

    @property
    def current(self) -> Disagreement | None:
        """The disagreement shown, or None when there is none."""
        items = self.curation.disagreements
        return items[self.position] if items else None

    def refresh_view(self) -> None:
        """Paint the current disagreement in every pane, and the counts."""
        items = self.curation.disagreements
        title = self.document.title or self.document.id
        heading = self.query_one("#heading", Static)
        state = self.query_one("#state", Static)
        item = self.current
        if item is None:
            heading.update(Text(f"Curating {inert(title)}: no disagreements", style="bold"))
            state.update(
                f"{_count(len(self.curation.agreements))} in the curated layer "
                f"({inert(self.curation.curated)}); escape goes back."
            )
            for pane in self.query(VersionPane):
                pane.update("")
            return
        heading.update(
            Text(
                f"Curating {inert(title)} · disagreement {self.position + 1} of {len(items)} · "
                f"{self.curation.open_count} open · {_count(len(self.curation.agreements))} "
                "accepted"
            )
        )
        letters = "AB"
        for index, version in enumerate(item.versions):
            key = letters[index] if index < 2 else str(index + 1)
            self.query_one(f"#version-{index}", VersionPane).show(
                f"{key}: {version.annotator}",
                self.document.text,
                item,
                version.spans,
                version.describe(),
            )
        curated = self.curation.curated_spans(item)
        self.query_one("#curated", VersionPane).show(
            f"curated layer: {self.curation.curated}",
            self.document.text,
            item,
            curated,
            Version(self.curation.curated, tuple(curated)).describe(),
        )
        status = self.curation.status(item)
        meaning = {
            "open": "open: a, b (or 1-9) take a version, x neither, e edit",
            "edited": "decided: edited ([ ] move the start, { } the end, by a word)",
            "neither": "decided: neither",
        }.get(status, f"decided: {status}'s version ([ ] {{ }} move its ends by a word)")
        state.update(Text(inert(meaning)))

    # -- actions ---------------------------------------------------------------------------

    def _advance(self) -> None:
        if self.position < len(self.curation.disagreements) - 1:
            self.position += 1

    def action_take(self, index: int) -> None:
        item = self.current
        if item is None or index >= len(item.versions):
            return
        try:
            self.curation.take(item, item.versions[index].annotator)
        except EditError as error:
            self.notify(str(error), severity="error")
            return
        self._advance()
        self.refresh_view()

    def action_neither(self) -> None:
        item = self.current
        if item is None:
            return
        try:
            self.curation.neither(item)
        except EditError as error:
            self.notify(str(error), severity="error")
            return
        self._advance()
        self.refresh_view()

    def action_edit(self) -> None:
        item = self.current
        if item is None:
            return
        current = self.curation.curated_spans(item)
        base = current[0] if current else next(s for v in item.versions for s in v.spans)

        def done(result: dict[str, Any] | None) -> None:
            if result is None:
                return
            try:
                self.curation.edit(
                    item, label=result["label"], attributes=result["attributes"], base=base
                )
            except EditError as error:
                self.notify(str(error), severity="error")
            self.refresh_view()

        self.app.push_screen(CurationEditDialog(base, self.curation.store.labels), done)

    def action_resize(self, edge: str, step: int) -> None:
        item = self.current
        if item is None:
            return
        try:
            self.curation.resize_by_word(item, edge, step)
        except EditError as error:
            self.notify(str(error), severity="error")
        self.refresh_view()

    def action_next(self) -> None:
        self._advance()
        self.refresh_view()

    def action_previous(self) -> None:
        if self.position > 0:
            self.position -= 1
        self.refresh_view()

    def action_undo(self) -> None:
        if not self.curation.undo():
            self.notify("nothing to undo in this curation")
        self.refresh_view()

    def action_close(self) -> None:
        self.dismiss(None)


def curation_screen(
    store: Store,
    document: Document,
    annotators: Sequence[str] | None = None,
    *,
    curated: str = CURATED,
) -> CurationScreen:
    """The curation screen for ``document`` (attached to ``store``) by ``annotators`` (default:
    everyone with spans on it except the curated layer). Raises EditError when fewer than two
    annotators have spans there."""
    curation = Curation(store, document.id, annotators, curated=curated, document=document)
    return CurationScreen(curation, document)
