"""Keeping a database up to date: the pipeline's stages over new articles only.

``Updater(store, settings).add(items)`` takes articles as read (and the
Problems met reading them) and runs, holding the store's one writer place:

1. identity: an article whose content the store holds already is passed
   over (``store.content_id``: the same input added twice changes nothing);
   a new article whose id is taken gets a ``~N`` suffix;
2. preparation (stage 2), for the new articles only;
3. in batches of ``batch_size``: copies (stage 3) and stories (stage 4),
   with the copy index and clusterer state loaded from the store, then one
   transaction writes the batch's articles, the stories it changed (their
   briefs marked stale), their history (joined, moved, merged), the stored
   articles it moved or whose copy links changed, and the state;
4. briefs (stages 5 to 11) for the stale stories only, each stored with its
   stale mark cleared, a few stories per transaction.

A kill at any moment loses at most the batch in flight: a batch is in the
store whole or not at all, and the next run finds the stale stories of
any batch whose briefs were not written and briefs them first.

Memory (``HotWindow``): a database runs for months, so its clusterer lets go
of quiet stories much sooner than ``analyze``'s does (``ClusterConfig``'s
two years and 100,000 articles, which never spill in a watch).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from newsprism.errors import SettingsError, StoreError
from newsprism.model import Article, Problem, Story
from newsprism.store import (
    Batch,
    Placement,
    StateChange,
    StatePart,
    Store,
    StoredBrief,
    StoryEvent,
    StoryUpdate,
    content_id,
    now,
)

if TYPE_CHECKING:
    from newsprism.cluster.clusterer import StoryClusterer
    from newsprism.cluster.parts import StateParts
    from newsprism.dedup import CopyIndex
    from newsprism.engine import Engine
    from newsprism.nlp import NLP
    from newsprism.pipeline import Briefer, Settings

BATCH = 500  # articles per transaction
BRIEFS_PER_TRANSACTION = 20
STALE_WINDOW = 500  # stale stories whose articles are read from the store and briefed at a time


@dataclass(frozen=True)
class HotWindow:
    """Which stories the clusterer keeps in memory, open to new articles
    (``ClusterConfig.hot_days`` and ``hot_articles``, set for each run).

    An article stops being searched as a neighbour once it is dated more than
    ``days`` before the newest article taken in *and* is older than the
    latest ``articles`` arrivals; a story all of whose articles are so is
    spilled: its sums and vectors leave memory. Everything stays in the
    database (its page, brief, search, history); a copy of a spilled story's
    article still joins it, but a late article that would have joined it
    starts a story of its own. An article forgotten stays forgotten when a
    later run widens the window.

    The defaults are a database's: a story with no article for a week is over
    for a news watch, and a week at 50 articles a minute is some 500,000
    articles held, where ``analyze``'s two years never spill. The
    arrivals keep the latest 20,000 articles whatever their dates, so an
    archive ``add``ed out of date order keeps the years it is still reading
    (an archive larger than that, read out of order: raise ``articles``).

    ``faded_count`` is the vocabulary's horizon (``FeatureConfig.faded_count``):
    a term that only forgotten articles had leaves once its faded count is
    below it. ``analyze``'s 1e-3 holds a term seen once some 69,000 articles
    after its last use, whatever the window, so a watch's vocabulary grows for
    a day and a half at 50 articles a minute (about 1 KB an article); at 1.0 a
    term seen once leaves with the last article in the window that had it, and
    one seen c times some ``idf_window_docs * ln c`` articles later. Should it
    come back, it counts from one again, as a new term, where it would have
    counted from under one.
    """

    days: int = 7
    articles: int = 20_000
    faded_count: float = 1.0

    def __post_init__(self) -> None:
        if self.days < 0 or self.articles < 0:
            raise SettingsError(f"the hot window must be 0 or more days and articles, not {self.days} and {self.articles}")
        if not self.faded_count > 0:
            raise SettingsError(f"the vocabulary's faded count must be above 0, not {self.faded_count}")


@dataclass
class AddSummary:
    """What one ``add`` did, for its summary line."""

    added: int = 0
    copies: int = 0
    new_stories: int = 0
    updated_stories: int = 0
    skipped: int = 0
    unchanged: int = 0  # already in the store
    briefs: int = 0
    skipped_reasons: Counter[str] = field(default_factory=Counter)

    def line(self) -> str:
        def n(k: int, one: str, many: str) -> str:
            return f"{k:,} {one if k == 1 else many}"

        parts = [
            f"added {n(self.added, 'article', 'articles')} ({n(self.copies, 'copy', 'copies')})",
            n(self.new_stories, "new story", "new stories"),
            n(self.updated_stories, "updated story", "updated stories"),
            f"skipped {self.skipped:,}" + (
                " (" + ", ".join(f"{k} {r}" for r, k in sorted(self.skipped_reasons.items())) + ")" if self.skipped else ""
            ),
        ]
        if self.unchanged:
            parts.append(f"{self.unchanged:,} already in the database")
        return ", ".join(parts)


@dataclass
class Progress:
    """Callbacks a command wires to its progress bars; all optional."""

    on_wait: Callable[[str], None] | None = None
    on_start: Callable[[int], None] | None = None  # new articles to group
    on_batch: Callable[[int], None] | None = None  # articles grouped
    on_briefs: Callable[[int], None] | None = None  # stories to brief
    on_brief: Callable[[str], None] | None = None  # a story briefed


class Updater:
    """Adds articles to a store and keeps its stories and briefs current; see the module docstring."""

    def __init__(
        self,
        store: Store,
        settings: Settings | None = None,
        *,
        nlp: NLP | None = None,
        batch_size: int = BATCH,
        progress: Progress | None = None,
        hot: HotWindow | None = None,
    ) -> None:
        from newsprism.pipeline import Briefer, Settings

        self.store = store
        self.settings = settings or Settings()
        # The pipeline's own per-story work (stages 5 to 11), so a stored brief is analyze's.
        self.briefer: Briefer = Briefer(self.settings, nlp=nlp)
        self.batch_size = batch_size
        self.progress = progress or Progress()
        self.hot = hot or HotWindow()
        # The state as this updater last wrote it, with the store's generation then:
        # a long watch loads it once, and again only when another process wrote.
        self._state: tuple[int, CopyIndex, StoryClusterer, StateParts] | None = None

    @property
    def nlp(self) -> NLP:
        return self.briefer.nlp

    # ------------------------------------------------------------ add

    def add(self, items: Iterable[Article | Problem], *, extra_batch: Batch | None = None) -> AddSummary:
        """Add what was read; ``extra_batch`` (sources, say) lands with the first batch."""
        summary = AddSummary()
        read: list[Article] = []
        problems: list[Problem] = []
        for item in items:
            (problems if isinstance(item, Problem) else read).append(item)  # type: ignore[arg-type]
        summary.skipped = len(problems)
        summary.skipped_reasons.update(p.reason for p in problems)
        with self.store.writer(self.progress.on_wait):
            fresh = self._fresh(read, summary)
            try:
                self._group(fresh, problems, summary, extra_batch)
            except BaseException:
                self._state = None  # the objects held may have taken in a batch that did not land
                raise
            self.brief_stale(summary)
        return summary

    def _fresh(self, read: list[Article], summary: AddSummary) -> list[Article]:
        """The articles the store does not hold yet, first of each content, with ids it has not given out."""
        cids = [content_id(a) for a in read]
        known = self.store.known_contents(list(dict.fromkeys(cids)))
        seen: set[str] = set()
        fresh: list[Article] = []
        for a, cid in zip(read, cids, strict=True):
            if cid in known or cid in seen:
                summary.unchanged += 1
                continue
            seen.add(cid)
            fresh.append(a)
        self._unique_ids(fresh)
        return fresh

    def _unique_ids(self, articles: list[Article]) -> None:
        """An id the store holds for other content gets the first free ``~N`` suffix."""
        taken = self.store.taken_ids([a.id for a in articles])
        used = {a.id for a in articles if a.id not in taken}
        for a in articles:
            if a.id not in taken:
                continue
            n = 2
            while True:
                candidate = f"{a.id}~{n}"
                if candidate not in used and not self.store.taken_ids([candidate]):
                    break
                n += 1
            a.extra.setdefault("original_id", a.id)
            a.id = candidate
            used.add(candidate)

    def _group(self, read: list[Article], problems: list[Problem], summary: AddSummary, extra: Batch | None) -> None:
        from newsprism.dedup import apply_copies
        from newsprism.extract import prepare_articles

        if not read:
            if problems or (extra is not None and extra.sources):
                self.store.write(Batch(skipped=problems, sources=extra.sources if extra is not None else []))
            return
        copies, clusterer, parts = self._load_state()
        stored = set(clusterer.table.story_ids())  # the stories in the store before this add
        if self.progress.on_start:
            self.progress.on_start(len(read))
        live: dict[str, bool] = {}  # each story a batch wrote: whether it is live after it
        for k in range(0, len(read), self.batch_size):
            raw = read[k : k + self.batch_size]
            batch = prepare_articles(raw)
            copies.window = clusterer.config.hot_window  # the copy index forgets what the clusterer does
            copies.add(batch)
            apply_copies(batch, copies)
            clusterer.add(batch)
            for a in batch:
                a.story = clusterer.story_of(a.id)
            put, drop = parts.changes()
            out = self._diff(batch, clusterer, copies, parts.touched)
            out.articles = list(zip(raw, batch, strict=True))
            out.state = StateChange([StatePart(*p) for p in put], drop)
            if k == 0:
                out.skipped = problems
                if extra is not None:
                    out.sources = extra.sources
            self.store.write(out)
            self._state = (self.store.generation(), copies, clusterer, parts)
            live.update((st.id, st.merged_into is None) for st in out.stories)
            summary.added += len(batch)
            summary.copies += sum(a.duplicate_of is not None for a in batch)
            if self.progress.on_batch:
                self.progress.on_batch(len(batch))
        summary.new_stories += sum(is_live and sid not in stored for sid, is_live in live.items())
        summary.updated_stories += sum(is_live and sid in stored for sid, is_live in live.items())

    def _diff(self, batch: list[Article], clusterer: StoryClusterer, copies: CopyIndex, changed: set[int]) -> Batch:
        """What a batch changed in the stored stories, as rows and events. ``changed``: the
        stories (by index) whose members changed, with those they merged into; an article
        that moved left one of them for another, so only their members are looked at."""
        at = now()
        out = Batch()
        table, ids = clusterer.table, clusterer.index.ids
        # The live ones, in order of creation (as ``clusterer.stories()`` lists them).
        live = {
            table.records[s].id: (s, [ids[m] for m in table.records[s].members])
            for s in sorted(changed)
            if table.records[s].merged_into is None
        }
        in_batch = {a.id for a in batch}
        placed = self.store.placements([aid for _, members in live.values() for aid in members if aid not in in_batch])
        touched: set[str] = set()
        for a in batch:
            assert a.story is not None
            touched.add(a.story)
            out.events.append(StoryEvent(at, a.story, "joined", a.id))
        merged: dict[str, str] = {}
        moved: dict[str, str] = {}  # stored article -> its new story
        for sid, (_, members) in live.items():
            for aid in members:
                old = placed.get(aid)
                if old is None or old[0] == sid:
                    continue
                moved[aid] = sid
                touched.update(x for x in (sid, old[0]) if x is not None)
                if old[0] is not None and old[0] not in live:  # the story it left is live only if it changed
                    merged.setdefault(old[0], sid)
                else:
                    out.events.append(StoryEvent(at, sid, "moved", aid, old[0]))
        for gone, into in sorted(merged.items()):
            out.events.append(StoryEvent(at, into, "merged", None, gone))
        refreshed = self._copy_links(batch, copies)
        links = {**self._links([aid for aid in moved if aid not in refreshed]), **refreshed}
        for aid in sorted(links):
            out.placements.append(Placement(aid, moved.get(aid) or clusterer.story_of(aid), *links[aid]))
        published = {a.id: a.published for a in batch}
        for sid in sorted(touched):
            if sid in live:
                s, members = live[sid]
                days = sorted(d[:10] for d in (published.get(i) or placed.get(i, (None, None))[1] for i in members) if d)
                title = _provisional_title(sid, members, batch)
                absorbed = list(table.records[s].absorbed)
                out.stories.append(StoryUpdate(sid, title, members, days[0] if days else None, days[-1] if days else None, absorbed))
            else:
                out.stories.append(StoryUpdate(sid, None, [], None, None, [], merged_into=merged.get(sid) or _home(sid, moved, placed)))
        return out

    def _links(self, ids: list[str]) -> dict[str, tuple[str | None, str | None]]:
        """The stored copy links of these articles (a moved article keeps its own)."""
        return {a.id: (a.duplicate_of, a.syndicated_from) for a in self.store.articles(ids)} if ids else {}

    def _copy_links(self, batch: list[Article], copies: CopyIndex) -> dict[str, tuple[str | None, str | None]]:
        """Stored articles whose copy links change now that the batch is in (an original that came after its copies)."""
        from newsprism.dedup import apply_copies

        ids = {a.id for a in batch}
        groups = copies.groups_of(ids)
        stored = [aid for g in groups for aid in g if aid not in ids]
        if not stored:
            return {}
        articles = self.store.articles(stored)
        before = {a.id: (a.duplicate_of, a.syndicated_from) for a in articles}
        apply_copies(articles, copies)
        return {a.id: (a.duplicate_of, a.syndicated_from) for a in articles if (a.duplicate_of, a.syndicated_from) != before[a.id]}

    def _load_state(self) -> tuple[CopyIndex, StoryClusterer, StateParts]:
        if self._state is not None and self._state[0] == self.store.generation():
            return self._state[1], self._state[2], self._state[3]
        self._state = None  # another process wrote: what is held here is out of date
        _generation, parts = self.store.state()
        copies, clusterer, saver = load_state(parts, self.briefer.embedder, self.store.location)
        # The window is this run's, not the saved state's: the clusterer and its
        # neighbour index read one config object, replaced in both.
        config = clusterer.config
        clusterer.config = clusterer.index.config = replace(
            config, hot_days=self.hot.days, hot_articles=self.hot.articles,
            features=replace(config.features, faded_count=self.hot.faded_count),
        )
        return copies, clusterer, saver

    # ------------------------------------------------------------ briefs

    def brief_stale(self, summary: AddSummary | None = None) -> int:
        """Brief every story whose brief is missing or stale; returns how many.

        The briefs are written as ``analyze`` writes them (``pipeline.run_briefs``,
        on the engine the settings ask for: worker processes with ``workers``),
        ``STALE_WINDOW`` stories' articles read from the store at a time."""
        from newsprism.pipeline import StoryWork, run_briefs, start_engine
        from newsprism.report.jsonout import brief_to_dict

        stale = self.store.stale_stories()
        if self.progress.on_briefs:
            self.progress.on_briefs(len(stale))
        if not stale:
            return 0
        members = self.store.story_articles(stale)
        done: list[StoredBrief] = []
        titles: dict[str, str | None] = {}
        with start_engine(self.settings, self.briefer, sum(len(members[sid]) for sid in stale)) as engine, self._zone(engine):
            for w0 in range(0, len(stale), STALE_WINDOW):
                window = stale[w0 : w0 + STALE_WINDOW]
                works = []
                for sid in window:
                    by_id = {a.id: a for a in self.store.articles(members[sid])}
                    arts = [by_id[i] for i in members[sid] if i in by_id]
                    if not arts:
                        continue
                    story = Story(id=sid, articles=[a.id for a in arts])
                    record = self.store.story(sid)
                    story.absorbed = list(record.absorbed) if record else []
                    works.append(StoryWork(story, arts))
                for brief in run_briefs(engine, self.briefer, works):
                    sid = brief.story.id
                    done.append(StoredBrief(sid, now(), brief_to_dict(brief)))
                    titles[sid] = brief.story.title
                    if self.progress.on_brief:
                        self.progress.on_brief(sid)
                    if len(done) >= BRIEFS_PER_TRANSACTION:
                        self.store.put_briefs(done, titles)
                        done, titles = [], {}
        if done:
            self.store.put_briefs(done, titles)
        if summary is not None:
            summary.briefs += len(stale)
        return len(stale)


    def _zone(self, engine: Engine) -> AbstractContextManager[None]:
        """Where the briefs parse in this process, spaCy forgets the words they met once
        they are written (``NLP.zone``): a long-running updater would otherwise keep every
        new name it ever read. Worker processes end with the briefing."""
        from newsprism.engine import LocalEngine

        return self.nlp.zone() if isinstance(engine, LocalEngine) else nullcontext()


def _provisional_title(story: str, members: list[str], batch: Sequence[Article]) -> str | None:
    """A new story's title until its brief names it: from the batch's headlines."""
    from newsprism.claims.summary import story_title

    mine = [a for a in batch if a.story == story]
    return story_title(mine) if mine and len(mine) == len(members) else None


def _home(sid: str, moved: dict[str, str], placed: dict[str, tuple[str | None, str | None]]) -> str | None:
    """Where most of a vanished story's articles went."""
    went = Counter(to for aid, to in moved.items() if placed.get(aid, (None, None))[0] == sid)
    return went.most_common(1)[0][0] if went else None


# ------------------------------------------------------------------ state


def load_state(parts: Sequence[StatePart], embedder: Any, location: str) -> tuple[CopyIndex, StoryClusterer, StateParts]:
    """The copy index and clusterer a store's state parts hold, with what saves their changes."""
    from newsprism.cluster.parts import load_parts

    try:
        return load_parts(parts, embedder)
    except ValueError as e:
        raise StoreError(f"{location}: the saved clustering state cannot be read ({e})") from e
