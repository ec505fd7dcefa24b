"""The app's stories: group the open corpus in a worker, list the stories, open one side by side.

``t`` (``stories``) groups the open articles with :func:`newsreader.corpus.stories.group_stories`
(by the corpus's own story ids when every article has one, else by text) in a thread worker, and
shows :class:`~newsreader.tui.screens.stories.StoriesScreen`; Enter opens the story's articles
side by side, one per pane, adding panes up to :data:`MAX_PANES`. When a story holds more articles
than that, the ``o`` picker lists the story's other articles first (the rest one key away).
The grouping is computed once per corpus and kept.

The user corrects stories on the stories screen (ctrl+o moves an article of the highlighted
story to another story, ctrl+s splits articles out of it, ctrl+g merges another story into it,
ctrl+n names it, ctrl+z undoes) or from the article in the focused pane (the ``story_*``
actions, also in the palette). Each is a workbench intent (:mod:`~newsreader.annotations.
story_edits`), kept in the store and undone wholly by ``u``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work

from .widgets.pane_row import MAX_PANES

if TYPE_CHECKING:
    from textual.app import App

    from newsreader.annotations.workbench import Outcome, Workbench
    from newsreader.corpus import Document, LoadResult
    from newsreader.corpus.stories import Story

    from .screens.stories import StoriesScreen
    from .widgets.document_pane import DocumentPane
    from .widgets.pane_row import PaneRow


class StoryActions:
    """Mixed into the app: the stories screen and opening a story in panes."""

    # The app provides ``workbench``, ``row``, ``busy``, ``show_in`` and ``refresh_status``,
    # besides Textual's own.
    workbench: Workbench
    row: PaneRow
    busy: str
    story: tuple[str, ...] = ()
    """The ids of the articles of the story last opened (in its order), or empty."""
    _grouped_ids: tuple[str, ...] = ()
    _after_grouping: Callable[[], None] | None = None
    _corrected_for: tuple[int, int] | None = None
    _corrected_stories: list[Story] | None = None

    @property
    def stories(self) -> list[Story] | None:
        """The open corpus's stories with the user's corrections as the store holds them now
        (after an undo too), once grouped (``None`` before)."""
        bench = self.workbench
        if bench.grouping is None:
            return None
        store = bench.store
        key = (id(bench.grouping), store.storage.seq if store is not None else 0)
        if self._corrected_for != key or self._corrected_stories is None:
            self._corrected_stories = bench.stories().stories
            self._corrected_for = key
        return self._corrected_stories

    @stories.setter
    def stories(self, stories: list[Story] | None) -> None:
        """Take ``stories`` as the open corpus's grouping (before corrections)."""
        self.workbench.grouping = list(stories) if stories is not None else None
        self._corrected_for = None

    def action_stories(self) -> None:
        if getattr(self, "index_stories", None) is not None:
            self.show_index_stories()  # type: ignore[attr-defined]
            return
        if not self.listed(self.action_stories, "the stories open"):  # type: ignore[attr-defined]
            return
        documents = self.workbench.documents
        if not documents:
            self.notify("There are no articles to group into stories.", severity="warning")  # type: ignore[attr-defined]
            return
        if self.stories is not None and self._grouped_ids == tuple(d.id for d in documents):
            self._show_stories(self._corrected())
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
        self.workbench.set_grouping(stories)
        self._grouped_ids = ids
        if self.busy.startswith("grouping"):
            self.busy = ""
        self.refresh_status()  # type: ignore[attr-defined]
        then, self._after_grouping = self._after_grouping, None
        if then is not None:
            then()
        else:
            self._show_stories(self._corrected())

    def _corrected(self) -> list[Story]:
        """The stories with the user's corrections as the store holds them now."""
        return self.stories or []

    def _show_stories(self, stories: list[Story]) -> None:
        from .screens.stories import StoriesScreen

        def chosen(doc_ids: tuple[str, ...] | None) -> None:
            if doc_ids:
                self.open_story(doc_ids)

        self.push_screen(StoriesScreen(stories, self.workbench.by_id), chosen)  # type: ignore[attr-defined]

    # -- story corrections -------------------------------------------------------------------

    def correct_story(
        self, kind: str, story_id: str, screen: StoriesScreen | None, doc_id: str | None = None
    ) -> None:
        """Ask what a correction needs, then make it: ``kind`` is ``move`` (an article of the
        story, ``doc_id`` or chosen, to a chosen story), ``split`` (chosen articles out into a
        new story), ``merge`` (a chosen story into this one) or ``rename``."""
        from .screens.story_dialogs import StoryArticlesDialog, StoryChooser, StoryNameDialog

        bench = self.workbench
        if self.intent(bench.require_writable) is None:  # type: ignore[attr-defined]
            return
        story = next((s for s in self._corrected() if s.id == story_id), None)
        if story is None:
            return
        articles = [bench.by_id[i] for i in story.doc_ids if i in bench.by_id]

        def apply(work: Callable[[], Outcome]) -> None:
            self._story_changed(self.intent(work), screen)  # type: ignore[attr-defined]

        def choose_story(then: Callable[[str], None]) -> None:
            others = [s for s in self._corrected() if s.id != story.id]
            if not others:
                self.notify("There is no other story.", severity="warning")  # type: ignore[attr-defined]
                return

            def chosen(doc_ids: tuple[str, ...] | None) -> None:
                target = next((s for s in others if doc_ids and doc_ids[0] in s.doc_ids), None)
                if target is not None:
                    then(target.id)

            self.push_screen(StoryChooser(others, bench.by_id), chosen)  # type: ignore[attr-defined]

        if kind == "rename":

            def named(name: str | None) -> None:
                if name is not None:
                    apply(lambda: bench.rename_story(story.id, name))

            self.push_screen(StoryNameDialog(story.label), named)  # type: ignore[attr-defined]
        elif kind == "merge":
            choose_story(lambda other: apply(lambda: bench.merge_stories(story.id, other)))
        elif kind == "split":
            if len(articles) < 2:
                self.notify("A story of one article cannot be split.", severity="warning")  # type: ignore[attr-defined]
                return

            def taken(doc_ids: tuple[str, ...] | None) -> None:
                if doc_ids:
                    apply(lambda: bench.split_story(story.id, doc_ids))

            prompt = "Articles to take out into a new story (space marks, enter takes)"
            self.push_screen(StoryArticlesDialog(prompt, articles), taken)  # type: ignore[attr-defined]
        elif kind == "move":

            def move(article: str) -> None:
                choose_story(lambda target: apply(lambda: bench.move_to_story(article, target)))

            if doc_id is not None or len(articles) == 1:
                move(doc_id or articles[0].id)
                return

            def picked(doc_ids: tuple[str, ...] | None) -> None:
                if doc_ids:
                    move(doc_ids[0])

            prompt = "The article to move to another story (enter)"
            self.push_screen(StoryArticlesDialog(prompt, articles), picked)  # type: ignore[attr-defined]

    def undo_in_stories(self, screen: StoriesScreen) -> None:
        """Undo the last edit (a story correction or any other) from the stories screen."""
        self._story_changed(self.intent(self.workbench.undo), screen)  # type: ignore[attr-defined]

    def _story_changed(self, outcome: Outcome | None, screen: StoriesScreen | None) -> None:
        if outcome is None:
            return
        self.show_outcome(outcome)  # type: ignore[attr-defined]
        stories = self._corrected()
        if screen is not None and screen.is_attached:
            screen.set_stories(stories, self.workbench.by_id, outcome.story_id)

    def _story_action(self, kind: str) -> None:
        """A correction of the story of the focused pane's article (the palette's way)."""
        pane = self.focused_pane()  # type: ignore[attr-defined]
        article = pane.article if pane is not None else None
        if article is None:
            self.notify(  # type: ignore[attr-defined]
                "Open an article first: its story is the one corrected.", severity="warning"
            )
            return

        def go() -> None:
            story = next((s for s in self._corrected() if article.id in s.doc_ids), None)
            if story is not None:
                self.correct_story(kind, story.id, None, article.id if kind == "move" else None)

        documents = self.workbench.documents
        if self.workbench.grouping is not None and self._grouped_ids == tuple(
            d.id for d in documents
        ):
            go()
            return
        self._after_grouping = go
        self.busy = "grouping the articles into stories…"
        self.refresh_status()  # type: ignore[attr-defined]
        self._group_stories(list(documents))

    def action_story_move(self) -> None:
        self._story_action("move")

    def action_story_split(self) -> None:
        self._story_action("split")

    def action_story_merge(self) -> None:
        self._story_action("merge")

    def action_story_rename(self) -> None:
        self._story_action("rename")

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
