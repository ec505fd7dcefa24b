"""The app's link suggestions for the open story, and what the link panel needs to rank.

``L`` (``suggest_links``) runs :func:`newsreader.annotations.linking.align` over the articles of
the open story in a thread worker, with its progress in the status bar, and stores what it finds
as link suggestions: they are marked in the panes, and ``a`` accepts the one under the cursor
after showing its target (the accept flow of ``EditingActions``). The open story is the one last
opened from the stories screen, else the story (from the stories screen's grouping, when it was
computed, or the corpus's own story ids) of the focused article, else the articles in the panes.

The link panel lists candidates from the source article's story first; without a story it
leaves out the source's own outlet (:func:`newsreader.annotations.linking.story_first`).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual import work

if TYPE_CHECKING:
    from newsreader.annotations.linking import Candidate
    from newsreader.annotations.model import Suggestion
    from newsreader.annotations.workbench import Outcome, Workbench
    from newsreader.corpus import Document
    from newsreader.corpus.stories import Story

    from .widgets.pane_row import PaneRow

LINK_POOL = 60
"""How many candidates the link panel asks the linker for, before putting its story first."""

LINK_SHOWN = 15
"""How many candidates the link panel shows."""

SUGGEST_TOP_K = 3
"""Link suggestions stored per sentence of the open story."""


class LinkActions:
    """Mixed into the app: link suggestions for the open story; the link panel's ranking."""

    # The app provides ``workbench``, ``row``, ``busy``, ``stories``, ``story``, ``intent``,
    # ``show_outcome``, ``focused_pane`` and ``refresh_status``, besides Textual's own.
    workbench: Workbench
    row: PaneRow
    busy: str
    stories: list[Story] | None
    story: tuple[str, ...]

    def story_of(self, doc_id: str) -> frozenset[str] | None:
        """The ids of the articles of ``doc_id``'s story: from the stories screen's grouping
        when it was computed, else the corpus's own story ids; ``None`` when unknown."""
        if self.stories is not None:
            for found in self.stories:
                if doc_id in found.doc_ids:
                    return frozenset(found.doc_ids)
        doc = self.workbench.by_id.get(doc_id)
        if doc is not None and doc.story:
            return frozenset(d.id for d in self.workbench.documents if d.story == doc.story)
        return None

    def rank_links(self, doc_id: str, candidates: list[Candidate]) -> list[Candidate]:
        """The link panel's candidates for a span of ``doc_id``: its story's first."""
        from newsreader.annotations.linking import story_first

        outlets = {d.id: d.outlet for d in self.workbench.documents}
        return story_first(
            candidates,
            doc_id,
            story=self.story_of(doc_id),
            outlet_of=outlets,
            top_k=LINK_SHOWN,
        )

    def open_story_documents(self) -> list[Document]:
        """The articles of the open story (see the module's docstring)."""
        by_id = self.workbench.by_id
        pane = self.focused_pane()  # type: ignore[attr-defined]
        focused = pane.article.id if pane is not None and pane.article is not None else None
        if self.story and (focused is None or focused in self.story):
            return [by_id[i] for i in self.story if i in by_id]
        if focused is not None:
            story = self.story_of(focused)
            if story is not None and len(story) > 1:
                return [d for d in self.workbench.documents if d.id in story]
        shown = dict.fromkeys(p.article.id for p in self.row.panes if p.article is not None)
        return [by_id[i] for i in shown if i in by_id]

    def action_suggest_links(self) -> None:
        if self.intent(lambda: self.workbench.require_writable()) is None:  # type: ignore[attr-defined]
            return
        documents = self.open_story_documents()
        if len(documents) < 2:
            self.notify(  # type: ignore[attr-defined]
                "Suggestions link two articles or more: open a story (t) or a second pane (+).",
                severity="warning",
            )
            return
        self.busy = f"suggesting links in {len(documents)} articles…"
        self.refresh_status()  # type: ignore[attr-defined]
        self._suggest_links(documents)

    @work(thread=True, exclusive=True, group="suggest-links")
    def _suggest_links(self, documents: list[Document]) -> None:
        from newsreader.annotations.linking import DEFAULT_MIN_SCORE, align
        from newsreader.annotations.model import Passage, Suggestion

        shown = [0.0]

        def progress(stage: str, done: int, total: int) -> None:
            now = time.monotonic()
            if stage == "align" and (now - shown[0] > 0.2 or done == total):
                shown[0] = now
                self.call_from_thread(self._suggest_progress, done, total)  # type: ignore[attr-defined]

        found: list[Suggestion] = []
        for row in align(
            documents, top_k=SUGGEST_TOP_K, min_score=DEFAULT_MIN_SCORE, progress=progress
        ):
            source = Passage(row.doc_id, row.start, row.end)
            found.extend(Suggestion(source, c.passage, c.score) for c in row.candidates)
        self.call_from_thread(self._links_suggested, [d.id for d in documents], found)  # type: ignore[attr-defined]

    def _suggest_progress(self, done: int, total: int) -> None:
        if self.busy.startswith("suggesting"):
            self.busy = f"suggesting links… {100 * done // max(1, total)}%"
            self.refresh_status()  # type: ignore[attr-defined]

    def _links_suggested(self, doc_ids: list[str], found: list[Suggestion]) -> None:
        if self.busy.startswith("suggesting"):
            self.busy = ""
        outcome: Outcome | None = self.intent(  # type: ignore[attr-defined]
            lambda: self.workbench.store_suggestions(doc_ids, found)
        )
        self.show_outcome(outcome)  # type: ignore[attr-defined]
        self.refresh_status()  # type: ignore[attr-defined]


__all__ = ["LinkActions"]
