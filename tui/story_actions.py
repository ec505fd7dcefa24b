"""The app's stories: group the open corpus in a worker, list the stories, open one side by side.

``t`` (``stories``) groups the open articles with :func:`newsreader.corpus.stories.group_stories`
(by the corpus's own story ids when every article has one, else by text) in a thread worker, and
shows :class:`~newsreader.tui.screens.stories.StoriesScreen`; Enter opens the story's articles
side by side, one per pane, adding panes up to :data:`MAX_PANES`. When a story holds more articles
than that, the ``o`` picker lists the story's other articles first (the rest one key away).
The grouping is computed once per corpus and kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from .widgets.pane_row import MAX_PANES

if TYPE_CHECKING:
    from textual.app import App

    from newsreader.annotations.workbench import Workbench
    from newsreader.corpus import Document, LoadResult
    from newsreader.corpus.stories import Story

    from .widgets.document_pane import DocumentPane
    from .widgets.pane_row import PaneRow


class StoryActions:
    """Mixed into the app: the stories screen and opening a story in panes."""

    # The app provides ``workbench``, ``row``, ``busy``, ``show_in`` and ``refresh_status``,
    # besides Textual's own.
    workbench: Workbench
    row: PaneRow
    busy: str
    stories: list[Story] | None = None
    """The grouping of the open corpus, once computed (``None`` before)."""
    story: tuple[str, ...] = ()
    """The ids of the articles of the story last opened (in its order), or empty."""
    _grouped_ids: tuple[str, ...] = ()

    def action_stories(self) -> None:
        if getattr(self, "index_stories", None) is not None:
            self.show_index_stories()  # type: ignore[attr-defined]
            return
        documents = self.workbench.documents
        if not documents:
            self.notify("There are no articles to group into stories.", severity="warning")  # type: ignore[attr-defined]
            return
        if self.stories is not None and self._grouped_ids == tuple(d.id for d in documents):
            self._show_stories(self.stories)
            return
        self.busy = "grouping the articles into stories…"
        self.refresh_status()  # type: ignore[attr-defined]
        self._group_stories(list(documents))

    @work(thread=True, exclusive=True, group="stories")
    def _group_stories(self, documents: list[Document]) -> None:
        from newsreader.corpus.stories import group_stories

        stories = group_stories(documents)
        self.call_from_thread(self._stories_grouped, stories, tuple(d.id for d in documents))  # type: ignore[attr-defined]

    def _stories_grouped(self, stories: list[Story], ids: tuple[str, ...]) -> None:
        self.stories = stories
        self._grouped_ids = ids
        if self.busy.startswith("grouping"):
            self.busy = ""
        self.refresh_status()  # type: ignore[attr-defined]
        self._show_stories(stories)

    def _show_stories(self, stories: list[Story]) -> None:
        from .screens.stories import StoriesScreen

        def chosen(doc_ids: tuple[str, ...] | None) -> None:
            if doc_ids:
                self.open_story(doc_ids)

        self.push_screen(StoriesScreen(stories, self.workbench.by_id), chosen)  # type: ignore[attr-defined]

    def open_story(self, doc_ids: tuple[str, ...]) -> None:
        """Show a story's articles side by side, one per pane, adding panes as needed.

        Panes beyond the story's size are closed; articles beyond :data:`MAX_PANES` come first
        in the ``o`` picker.
        """
        docs = [d for i in doc_ids if (d := self.workbench.by_id.get(i)) is not None]
        if not docs:
            return
        self.story = tuple(d.id for d in docs)
        wanted = min(len(docs), MAX_PANES)
        while len(self.row.panes) < wanted:
            self.row.mount(self.row.new_pane())
        for extra in self.row.panes[max(wanted, 1) :][::-1]:
            self.row.close(extra)  # removal is deferred: each pane is closed once
        self.call_after_refresh(self._show_story, docs[:wanted], len(docs))  # type: ignore[attr-defined]

    def _show_story(self, docs: list[Document], total: int) -> None:
        panes: list[DocumentPane] = self.row.panes
        for pane, doc in zip(panes, docs, strict=False):
            self.show_in(pane, doc)  # type: ignore[attr-defined]
        if panes:
            panes[0].view.focus()
        if total > len(docs):
            self.notify(  # type: ignore[attr-defined]
                f"{total - len(docs)} more articles of this story: o lists them first.",
                timeout=8,
            )

    def current_story(self, pane: DocumentPane | None) -> tuple[str, ...]:
        """The ids of the story of ``pane``'s article (the grouping's, else the corpus's own
        story id), else of the story last opened; empty when there is none."""
        article = pane.article if pane is not None else None
        if article is not None:
            for story in self.stories or ():
                if article.id in story.doc_ids:
                    return story.doc_ids
            if article.story:
                return tuple(d.id for d in self.workbench.documents if d.story == article.story)
        return self.story

    def story_first(self, documents: list[Document]) -> list[Document]:
        """``documents`` with the open story's articles not shown in a pane first."""
        if not self.story:
            return documents
        shown = {p.article.id for p in self.row.panes if p.article is not None}
        first = set(self.story) - shown
        if not first:
            return documents
        order = {doc_id: n for n, doc_id in enumerate(self.story)}
        ahead = sorted((d for d in documents if d.id in first), key=lambda d: order[d.id])
        return ahead + [d for d in documents if d.id not in first]


SHOWN_PROBLEMS = 3
"""At most this many load problems get a notice each; the rest are counted in one more."""


def notify_load(app: App[None], result: LoadResult) -> None:
    """Tell what loading skipped: one line for the files that are not articles, a few problems.

    A folder with hundreds of annotation files beside its articles gives one notice, not one
    per file.
    """
    summary = result.skipped_summary()
    if summary:
        app.notify(summary[:1].upper() + summary[1:] + ".", title="Not articles", timeout=8)
    problems = result.problems
    for problem in problems[:SHOWN_PROBLEMS]:
        app.notify(
            str(problem), title="An article could not be loaded", severity="warning", timeout=12
        )
    if len(problems) > SHOWN_PROBLEMS:
        app.notify(
            f"… and {len(problems) - SHOWN_PROBLEMS} more problems (newsreader inspect lists them)",
            title="Articles not loaded",
            severity="warning",
            timeout=12,
        )


__all__ = ["SHOWN_PROBLEMS", "StoryActions", "notify_load"]
