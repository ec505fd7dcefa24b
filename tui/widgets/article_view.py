"""The article in a document pane: a read-only TextArea that paints spans in ``get_line``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import BindingType
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import TextArea
from textual.widgets.text_area import Selection

from newsreader.corpus import Document, LineIndex, Range

from .._textual_fixes import AfterDragSelection, cache_wrapped_height, wrapped_width
from .._textual_fixes import rewrap as rewrap_now
from ..actions import bindings
from ..display import DisplayMap
from ..safe import inert

PAINTS = (
    "boilerplate",
    "markup",
    "suggest-quote",
    "suggest-link",
    "other",
    "claim",
    "quote",
    "search",
    "linked",
)
"""Paint kinds, from the bottom layer to the top; each is a component class ``article--KIND``."""


class ArticleView(AfterDragSelection, TextArea):
    """Shows one article, paints its spans, and speaks in article offsets.

    Everything outside this widget talks in offsets into the article text; the widget converts
    them to the rows and columns of what it shows (which may have boilerplate folded away).
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *TextArea.COMPONENT_CLASSES,
        *(f"article--{kind}" for kind in PAINTS),
    }

    BINDINGS: ClassVar[list[BindingType]] = bindings("view")  # type: ignore[assignment]

    DEFAULT_CSS = """
    ArticleView {
        border: none;
        padding: 0 1;
        &:focus { border: none; }
        /* Each kind differs in its text style too, so that marks stay apart without
           colour (NO_COLOR): dim, italic, bold italic, underline, italic underline, bold
           underline, bold italic underline, bold reverse. */
        .article--claim { background: $primary-muted; text-style: underline; }
        .article--quote { background: $success-muted; text-style: bold underline; }
        .article--other { background: $accent-muted; text-style: italic underline; }
        .article--linked { text-style: bold reverse; }
        .article--search { background: $warning-muted; text-style: bold italic underline; }
        .article--suggest-quote { text-style: italic; color: $text-accent; }
        .article--suggest-link { text-style: bold italic; color: $text-warning; }
        .article--boilerplate { text-style: dim; }
        .article--markup { text-style: dim; }
    }
    """

    def __init__(self, *, id: str | None = None, cursor_blink: bool = True) -> None:
        super().__init__(
            "",
            read_only=True,
            soft_wrap=True,
            show_line_numbers=False,
            highlight_cursor_line=False,
            id=id,
        )
        self.cursor_blink = cursor_blink
        self.article: Document | None = None
        self.display_map = DisplayMap("")
        self._lines = LineIndex("")
        self._text = ""
        self._paint: dict[int, list[tuple[int, int, str]]] = {}

    # TextArea asks for its whole text (a join of every line) on every line it renders; the
    # article is read-only, so the text is kept.
    @property
    def text(self) -> str:  # type: ignore[override]
        return self._text

    @text.setter
    def text(self, value: str) -> None:
        self.load_text(value)

    def load_text(self, text: str) -> None:
        self._text = text
        super().load_text(text)
        cache_wrapped_height(self.wrapped_document)

    def show_article(self, article: Document | None, folds: Iterable[Range] = ()) -> None:
        """Show ``article`` (None: nothing), with ``folds`` folded away."""
        self.article = article
        self.display_map = DisplayMap(article.text if article else "", list(folds))
        shown = inert(self.display_map.text)
        self._lines = LineIndex(shown)
        self.load_text(shown)

    # -- offsets ---------------------------------------------------------------------------

    def location_of(self, offset: int) -> tuple[int, int]:
        """The (row, column) where article ``offset`` is shown."""
        shown = self.display_map.to_display(max(0, offset))
        return self._lines.to_position(min(shown, len(self._text)))

    def offset_of(self, location: tuple[int, int]) -> int:
        """The article offset shown at (row, column)."""
        row, column = location
        row = max(0, min(row, self._lines.line_count - 1))
        return self.display_map.to_document(self._lines.to_offset(row, column))

    @property
    def cursor_offset(self) -> int:
        """The article offset under the cursor."""
        return self.offset_of(self.selection.end)

    def selected_range(self) -> Range | None:
        """The selected stretch of the article, or None when nothing is selected."""
        start, end = sorted(
            (self.offset_of(self.selection.start), self.offset_of(self.selection.end))
        )
        return (start, end) if start < end else None

    def select_range(self, start: int, end: int) -> None:
        """Select article ``start:end`` and scroll it into view."""
        self.selection = Selection(self.location_of(start), self.location_of(end))
        self.scroll_cursor_visible(center=True)

    def move_to(self, offset: int, *, center: bool = True) -> None:
        """Put the cursor at article ``offset`` (nothing selected) and scroll it into view."""
        self.selection = Selection.cursor(self.location_of(offset))
        self.scroll_cursor_visible(center=center)

    # -- painting --------------------------------------------------------------------------

    def paint(self, items: Iterable[tuple[int, int, str]]) -> None:
        """Paint these (start, end, kind) article ranges; replaces what was painted."""
        rows: dict[int, list[tuple[int, int, str]]] = {}
        for start, end, kind in merged_by_kind(items):
            if end <= start or self.display_map.hidden(start, end):
                continue
            a = self.display_map.to_display(start)
            b = self.display_map.to_display(end)
            first, _ = self._lines.to_position(a)
            last, _ = self._lines.to_position(b)
            for row in range(first, last + 1):
                rows.setdefault(row, []).append((a, b, kind))
        self._paint = rows
        self.notify_style_update()
        self.refresh()

    def get_line(self, line_index: int) -> Text:
        line = Text(self.document.get_line(line_index), end="", no_wrap=True)
        items = self._paint.get(line_index)
        if not items:
            return line
        start = self._lines.line_start(line_index)
        length = len(line.plain)
        for a, b, kind in items:
            style = self.get_component_rich_style(f"article--{kind}", partial=True)
            if style == Style.null():
                continue
            line.stylize(style, max(0, a - start), max(0, min(length, b - start)))
        return line

    def wrapped_to_width(self) -> bool:
        """True when the text is wrapped to the width the view has now."""
        return wrapped_width(self.wrapped_document) == self.wrap_width

    def rewrap(self) -> None:
        """Wrap the text to the pane's width now (not at the next resize event)."""
        if not self.wrapped_to_width():
            rewrap_now(self)
            self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        # Adding or closing a pane changes the panes' widths before they hear of it: their
        # Resize comes after the next frame is drawn, which would show each text wrapped for
        # its old width (cut at the edge, or in a narrow column). Wrap to the width drawn at.
        if not self.wrapped_to_width():
            rewrap_now(self)
        return super().render_lines(crop)

    # -- the mouse -------------------------------------------------------------------------

    def selection_dragged(self) -> None:  # the mouse has just selected (AfterDragSelection)
        self.snap_selection()

    def snap_selection(self) -> None:
        """Widen the selection to whole words, and to the quotation marks around it."""
        selected = self.selected_range()
        if selected is None or self.article is None:
            return
        snapped = snap_to_words(self.article, *selected)
        if snapped is not None and snapped != selected:
            reverse = self.selection.start > self.selection.end
            a, b = self.location_of(snapped[0]), self.location_of(snapped[1])
            self.selection = Selection(b, a) if reverse else Selection(a, b)

    def row_starts(self) -> list[int]:
        """Display offsets where each row starts (for tests and benchmarks)."""
        return [self._lines.line_start(r) for r in range(self._lines.line_count)]


def merged_by_kind(items: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The ranges of each kind merged where they overlap or touch, the kinds in painting order.

    A kind paints one style, so overlapping ranges of it look the same as their union; a
    sentence under ten overlapping claims is then one range to style and draw, not ten (the
    cost of drawing a line would otherwise grow with how densely the article is annotated).
    """
    by_kind: dict[str, list[tuple[int, int]]] = {}
    for start, end, kind in items:
        if end > start:
            by_kind.setdefault(kind, []).append((start, end))
    layer = {kind: i for i, kind in enumerate(PAINTS)}
    merged: list[tuple[int, int, str]] = []
    for kind in sorted(by_kind, key=lambda k: layer.get(k, 0)):
        ranges = sorted(by_kind[kind])
        start, end = ranges[0]
        for a, b in ranges[1:]:
            if a <= end:
                end = max(end, b)
            else:
                merged.append((start, end, kind))
                start, end = a, b
        merged.append((start, end, kind))
    return _suggestions_outside_spans(merged)


_TAGGED = frozenset({"other", "claim", "quote"})


def _suggestions_outside_spans(merged: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A detected quote is painted only where no annotation lies over it: a claim painted over
    a suggestion would otherwise combine their text styles into another label's (without
    colour, underline + italic is how the other labels look). ``a`` still finds it there."""
    tagged = [(a, b) for a, b, kind in merged if kind in _TAGGED]
    if not tagged or not any(kind == "suggest-quote" for _, _, kind in merged):
        return merged
    tagged.sort()
    union: list[tuple[int, int]] = []
    for a, b in tagged:
        if union and a <= union[-1][1]:
            union[-1] = (union[-1][0], max(union[-1][1], b))
        else:
            union.append((a, b))
    out: list[tuple[int, int, str]] = []
    for start, end, kind in merged:
        if kind != "suggest-quote":
            out.append((start, end, kind))
            continue
        at = start
        for a, b in union:
            if b <= at or a >= end:
                continue
            if a > at:
                out.append((at, a, kind))
            at = max(at, b)
        if at < end:
            out.append((at, end, kind))
    return out


def _in_word(ch: str) -> bool:
    return ch.isalnum() or ch in "'\u2019-_"


def snap_to_words(doc: Document, start: int, end: int) -> Range | None:
    """``start``-``end`` without the spaces at its ends, widened to whole words and to the
    quotation marks that open or close it; None when it holds only spaces."""
    text = doc.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return None
    while start > 0 and _in_word(text[start - 1]) and _in_word(text[start]):
        start -= 1
    while end < len(text) and _in_word(text[end]) and _in_word(text[end - 1]):
        end += 1
    from newsreader.corpus.quotes import quote_extent  # the detectors load after the first frame

    return quote_extent(doc, start, end)


def innermost(spans: Iterable[tuple[int, int, str]], offset: int) -> tuple[int, int, str] | None:
    """The shortest of (start, end, id) ranges that holds ``offset``."""
    holding = [s for s in spans if s[0] <= offset < s[1] or (s[0] == s[1] == offset)]
    return min(holding, key=lambda s: s[1] - s[0]) if holding else None


__all__ = ["PAINTS", "ArticleView", "innermost", "merged_by_kind", "snap_to_words"]
