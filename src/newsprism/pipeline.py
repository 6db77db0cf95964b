"""The orchestrator: one run, from paths to one brief per story.

Stages, in order (each a function over a batch, in its own subpackage):

1. ingest      ``ingest.iter_inputs``            files, dirs, globs, stdin -> Article | Problem
2. extract     ``extract.prepare_articles``      paragraphs, sentences, byline, dateline,
                                                 syndication note, canonical outlet
3. dedup       ``dedup.CopyIndex``               exact, near-duplicate and syndicated copies
4. cluster     ``cluster.group_corpus``          incremental story clustering, batch by batch,
                                                 with the state kept (copies and stories)
5. entities    ``extract.entities``              NER, names merged across a story
6. quotes      ``quotes.extract_quotes``         direct and reported speech, resolved speakers;
               ``quotes.group_quotes``           the same statement across outlets
7. claims      ``claims.align_claims``           the same fact in different words
8. provenance  ``provenance.build_provenance``   who cites whom, as a graph;
               ``provenance.key_sources``        the outlets several articles rest on;
               ``claims.assign_independence``    independent sources per claim
9. compare     ``claims.coverage``, ``claims.story_values`` (dates and figures, once),
               ``claims.find_conflicts``, ``claims.build_timeline``
10. summary    ``claims.summarize``              cited summary sentences
11. framing    ``framing.compare_framing``       wording differences per outlet
12. report     ``report``                        Markdown, JSON, HTML (done by the caller)

A run is a :class:`Pipeline`: one frozen :class:`Settings` (every option a
command takes that changes what the run does) passes through every stage;
the swappable parts (the NLP pipeline, the embedder, the engine) are passed
in or made from the settings; what the run does as it goes is reported to an
:class:`Observer` (commands wire it to progress bars and warnings). Stages
1-2 are :meth:`Pipeline.read`, 3-4 :meth:`Pipeline.group` (the one batched,
stateful path: ``newsprism analyze`` and ``newsprism cluster`` group alike),
5-11 :meth:`Pipeline.briefs`, one story at a time through ``Engine.map``
with :class:`Briefer`, a picklable function of a story's articles and the
settings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal, NamedTuple, overload

from newsprism.engine import Engine, LocalEngine
from newsprism.errors import InputError, SettingsError, StrictModeError
from newsprism.model import Analysis, Article, Brief, Problem, Quote, Story

if TYPE_CHECKING:
    from newsprism.embedders import Embedder
    from newsprism.nlp import NLP
    from newsprism.quotes import QuoteExtractor

__all__ = ["Briefer", "Grouping", "Observer", "Pipeline", "Read", "Settings", "StoryWork", "title_stories"]

QUOTE_BATCH = 64  # articles parsed at once when finding quotes alone: memory stays flat


@dataclass(frozen=True, slots=True)
class Settings:
    """What a run does: every option a command takes that changes the result, in one typed object.

    Commands turn their options into one ``Settings``; the pipeline passes it
    through every stage (and to every worker process, so it must pickle).
    """

    embedder: str = "tfidf"  # tfidf (built in), minilm or model2vec; "minilm:DIR" loads a local model
    single_story: bool = False  # every input is one story: no clustering
    framing: bool = True  # compare the outlets' wording (stage 11)
    strict: bool = False  # a skipped input fails the run (StrictModeError), after every input is read
    state: Path | None = None  # copies and stories kept across runs, loaded and saved here
    # Worker processes for the briefs (and one for the grouping's search stage); 0: all in
    # this process; None: one per core (with Ray: as many tasks at once as the cluster has CPUs free).
    workers: int | None = 0
    batch_size: int | None = None  # articles grouped at a time; None: the clusterer's own batch
    engine: Literal["local", "ray"] = "local"  # where the briefs run: this machine, or a Ray cluster
    address: str | None = None  # the Ray cluster to join ("auto", "HOST:PORT"); None: start one here

    def __post_init__(self) -> None:
        if self.workers is not None and self.workers < 0:
            raise SettingsError(f"workers must be 0 or more, not {self.workers}")
        if self.engine not in ("local", "ray"):
            raise SettingsError(f"engine must be local or ray, not {self.engine!r}")
        if self.address is not None and self.engine != "ray":
            raise SettingsError("an address names a Ray cluster: it needs the ray engine")
        if self.batch_size is not None and self.batch_size < 1:
            raise SettingsError(f"batch_size must be 1 or more, not {self.batch_size}")
        if self.single_story and self.state is not None:
            raise SettingsError("a single story is not clustered, so it keeps no state: give single_story or state, not both")


class Observer:
    """What a run reports as it goes. Every method does nothing here; a caller
    overrides the ones it shows (``newsprism.commands`` draws progress bars).

    Stages: ``"reading"`` (total unknown), ``"grouping"`` (articles),
    ``"briefs"`` (stories), ``"quotes"`` (articles).
    """

    def start(self, stage: str, total: int | None) -> None:
        """A stage begins, with the number of items it will advance by (None: unknown)."""

    def advance(self, stage: str, n: int = 1) -> None:
        """``n`` more items of the stage are done."""

    def done(self, stage: str) -> None:
        """The stage is over."""

    def problem(self, problem: Problem) -> None:
        """An input (or one record of it) was skipped; it is also listed in the run's ``skipped``."""

    def read(self, articles: int, problems: Sequence[Problem]) -> None:
        """Reading is over: how many articles were read, and what was skipped."""


class Read(NamedTuple):
    """Stages 1 and 2: the articles read and prepared, and the inputs skipped."""

    articles: list[Article]
    skipped: list[Problem]


class Grouping(NamedTuple):
    """Stages 3 and 4: the stories (with a state, every story it holds), and the
    articles of earlier runs that moved to another story (id -> story id)."""

    stories: list[Story]
    moved: dict[str, str]


class StoryWork(NamedTuple):
    """One story to brief: the story and those of its articles this run holds."""

    story: Story
    articles: list[Article]


class Parsed(NamedTuple):
    """One article's parse, made where a large story's articles were parsed in
    chunks: the ``Doc`` as bytes (``NLP.to_bytes``) and its quotes (the one
    stage that reads the parse's tensor, which the bytes leave out)."""

    id: str
    doc: bytes
    quotes: list[Quote]


class ParseJob(NamedTuple):
    """Some articles of one large story, to parse (``Briefer.run`` -> list of ``Parsed``)."""

    articles: list[Article]


class BriefJob(NamedTuple):
    """Stories to brief in one go (``Briefer.run`` -> their briefs): their articles
    parsed together, or taken as ``parsed`` (article id -> ``Parsed``)."""

    works: list[StoryWork]
    parsed: dict[str, Parsed] | None = None


class Briefer:
    """Stages 5 to 11 for one story: ``briefer(StoryWork) -> Brief``.

    The brief is a function of the story's articles and the settings alone,
    so an engine may run it anywhere: a briefer pickles as its settings, and
    in another process is that process's one briefer for those settings,
    which makes its own parts (spaCy, the quote model, the embedder named by
    the settings) on first use, so each worker loads each model once. In
    this process it uses the parts it was given, so a run loads each model once.

    ``run`` takes the jobs :func:`plan_briefs` cuts a run into: stories briefed
    together (their articles parsed in one ``nlp.pipe``), and a large story's
    articles parsed in chunks on several workers before its brief.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        nlp: NLP | None = None,
        quotes: QuoteExtractor | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.settings = settings
        self._nlp = nlp
        self._quotes = quotes
        self._embedder = embedder
        self._embedder_made = embedder is not None

    def __reduce__(self) -> tuple[object, tuple[Settings]]:
        return (_briefer_for, (self.settings,))

    @property
    def nlp(self) -> NLP:
        if self._nlp is None:
            from newsprism.nlp import NLP

            self._nlp = NLP()
        return self._nlp

    @property
    def quotes(self) -> QuoteExtractor:
        if self._quotes is None:
            from newsprism.quotes import QuoteExtractor

            # One extractor per run, so the attribution model is read once, not once per article.
            self._quotes = QuoteExtractor()
        return self._quotes

    @property
    def embedder(self) -> Embedder | None:
        if not self._embedder_made:
            from newsprism.embedders import make_embedder

            self._embedder = make_embedder(self.settings.embedder)
            self._embedder_made = True
        return self._embedder

    def warm(self) -> None:
        """Load every part now (a worker does this as it starts, while the run reads and groups),
        then brief a made-up story of two short articles: the stages import what they use on
        first use (scikit-learn and SciPy for claim alignment, the framing lexicons), half a
        second of CPU that the first real job of each worker paid while the run waited."""
        from newsprism.extract.prepare import prepare_articles

        pre = _PRELOADED
        if pre is not None and (self._nlp, self._quotes) == (pre._nlp, pre._quotes) \
                and self.settings.embedder == pre.settings.embedder:
            return  # this process was forked from one that did all this with these parts (``preload_parts``)
        _ = self.nlp.language, self.quotes.model, self.embedder
        arts = prepare_articles([Article(id=f"warm-{k}", text=text, outlet=outlet, published="2024-01-02")
                                 for k, (outlet, text) in enumerate(_WARM_STORY)])
        self._brief(StoryWork(Story(id="warm", articles=[a.id for a in arts]), arts), None)

    def __call__(self, work: StoryWork) -> Brief:
        return self.run(BriefJob([work]))[0]

    @overload
    def run(self, job: ParseJob) -> list[Parsed]: ...
    @overload
    def run(self, job: BriefJob) -> list[Brief]: ...

    def run(self, job: ParseJob | BriefJob) -> list[Parsed] | list[Brief]:
        """A job of :func:`plan_briefs`: a list of ``Parsed`` for a ``ParseJob``, of briefs for a ``BriefJob``."""
        from newsprism.quotes import extract_quotes

        nlp = self.nlp
        if isinstance(job, ParseJob):
            nlp.docs(job.articles)
            out = [Parsed(a.id, nlp.to_bytes(a), extract_quotes(a, nlp, self.quotes)) for a in job.articles]
            nlp.forget(a.id for a in job.articles)
            return out
        arts = [a for w in job.works for a in w.articles]
        if job.parsed is None:
            nlp.docs(arts)  # one batched parse for the job; the stages below reuse it
        else:
            for a in arts:
                nlp.put(a, job.parsed[a.id].doc)
        return [self._brief(w, None if job.parsed is None else job.parsed) for w in job.works]

    def _brief(self, work: StoryWork, parsed: dict[str, Parsed] | None) -> Brief:
        from newsprism import claims as C
        from newsprism.claims.shared import shared_sentences
        from newsprism.extract.entities import extract_mentions, merge_entities
        from newsprism.provenance import build_provenance, key_sources
        from newsprism.provenance.stretches import article_stretches
        from newsprism.quotes import extract_quotes, group_quotes

        story, arts, nlp = work.story, work.articles, self.nlp
        nlp.docs(arts)
        extract_mentions(arts, nlp)
        entities = merge_entities(arts)
        if parsed is None:
            quotes = {a.id: extract_quotes(a, nlp, self.quotes) for a in arts}
        else:
            quotes = {a.id: parsed[a.id].quotes for a in arts}
        nlp.drop_tensors(arts)  # the quotes were the tensor's one reader
        brief = Brief(story=story, articles=arts, entities=entities)
        brief.shared_sentences = shared_sentences(arts)
        # "Who said what" lists statements; beliefs, stances, intentions and findings stay in the provenance.
        brief.quotes = group_quotes(arts, {aid: [q for q in qs if q.statement] for aid, qs in quotes.items()}, entities)
        brief.claims = C.align_claims(arts, nlp, embedder=self.embedder)
        outlets = sorted({a.outlet for a in arts if a.outlet})
        brief.stretches = [st for a in arts for st in article_stretches(a, quotes[a.id], outlets)]
        brief.provenance = build_provenance(arts, brief.stretches)
        brief.key_sources = key_sources(brief.provenance, arts)
        C.assign_independence(brief.claims, arts, brief.provenance, brief.stretches)
        brief.coverage = C.coverage(brief.claims, arts)
        values = C.story_values(arts, nlp)
        brief.conflicts = C.find_conflicts(arts, brief.claims, values, nlp)
        brief.timeline = C.build_timeline(arts, values)
        brief.summary = C.summarize(brief.claims, arts)
        if self.settings.framing:
            from newsprism.framing import compare_framing

            brief.framing = compare_framing(arts, brief.claims, entities, nlp)
        if story.title is None:
            story.title = C.story_title(arts)
        # The brief holds plain data only: drop the parses so memory stays flat over many stories.
        nlp.forget(a.id for a in arts)
        return brief


# Briefed by ``Briefer.warm`` and thrown away: a made-up story with what the stages look for
# (quotes and their speakers, a source cited, numbers and dates that differ).
_WARM_STORY = (
    ("Kestrel Courier", 'The Harlow council voted on Monday to close the old dam road, Mayor Ada Finch said. '
     '"We had no choice," Finch told reporters. Repairs would cost $4 million, according to a report by the '
     'Northern Ledger.\n\nResidents said the closure would add 20 minutes to their commute.'),
    ("Meridian News", "Harlow's council on Monday shut the dam road. \"We had no choice,\" said Mayor Ada Finch. "
     "The Northern Ledger reported that repairs would cost $5 million.\n\nThe road will reopen in March 2025, "
     "officials said."),
)

_BRIEFERS: dict[Settings, Briefer] = {}  # this process's briefer for each settings (its models, loaded once)
_PRELOADED: Briefer | None = None  # parts loaded before this process was forked (``preload_parts``)


def _briefer_for(settings: Settings) -> Briefer:
    """A briefer unpickled in a process: the one that process keeps for these settings,
    made with the parts ``preload_parts`` loaded before the process was forked, if any."""
    briefer = _BRIEFERS.get(settings)
    if briefer is None:
        shared = _PRELOADED
        briefer = _BRIEFERS[settings] = Briefer(
            settings, nlp=shared._nlp if shared else None, quotes=shared._quotes if shared else None)
    return briefer


def preload_parts() -> None:
    """Load the parts every briefer has whatever its settings (spaCy, the quote model) and
    brief the made-up story once, for the briefers this process makes later, and those of
    the processes forked from it: the fork server's (``newsprism.preload``), so each worker
    starts warm instead of spending half a second of CPU on it (both workers at once, on
    two cores, while the run groups) before its first job. A part that cannot load is left
    to the workers, whose first job raises it to the caller."""
    global _PRELOADED
    with suppress(Exception):
        briefer = Briefer(Settings())
        briefer.warm()
        _PRELOADED = briefer


def warm_worker(briefer: Briefer) -> None:
    """A worker process's start: load the briefer's models before the first job comes."""
    # A model that cannot load is met again by the first job, which raises it, typed, to the caller.
    with suppress(Exception):
        briefer.warm()


# Fewer articles than this are briefed in this process: a worker's start (spawn, imports,
# models) costs about as much as parsing a dozen articles, and the run is short anyway.
WORKERS_FROM = 40


def start_engine(settings: Settings, briefer: Briefer, articles: int) -> AbstractContextManager[Engine]:
    """The engine ``settings`` ask for, for briefing ``articles`` articles, as a
    context manager that starts it (local workers load ``briefer``'s models as
    they start) and stops it."""
    from newsprism.engine import make_engine

    workers = 0 if settings.engine == "local" and articles < WORKERS_FROM else settings.workers
    return make_engine(settings.engine, workers, settings.address, initializer=warm_worker, initargs=(briefer,),
                       preload=("newsprism.preload",))


CHUNK = 32  # articles parsed at once by one job (nlp.pipe's batch); fewer when workers would wait
MIN_CHUNK = 4
JOBS_PER_WORKER = 4  # at least this many jobs for each worker, so none idles at the end


def chunk_size(n_articles: int, parallelism: int) -> int:
    """Articles per job: ``CHUNK`` in one process; with more, small enough that every
    worker gets ``JOBS_PER_WORKER`` jobs or more."""
    if parallelism <= 1:
        return CHUNK
    return max(MIN_CHUNK, min(CHUNK, -(-n_articles // (parallelism * JOBS_PER_WORKER))))


def plan_briefs(
    works: Sequence[StoryWork], chunk: int, split: bool, budget: int | None = None, tail: int = 0
) -> list[list[StoryWork]]:
    """The stories cut into jobs, in story order: consecutive small stories
    together until a job holds ``chunk`` articles or, with ``budget``, that
    many characters of text (a job's time goes with its text: jobs of as many
    articles took from 0.5 to 6 s), half that once less than ``tail`` budgets
    of text are left, so the workers end together; with ``split``, a story of
    more than ``chunk`` articles alone (its articles are parsed in chunks on
    several workers first: :func:`run_briefs`)."""
    jobs: list[list[StoryWork]] = []
    current: list[StoryWork] = []
    size = chars = 0
    left = sum(len(a.text) for w in works for a in w.articles)  # not yet in a closed job
    for w in works:
        if split and len(w.articles) > chunk:
            if current:
                jobs.append(current)
                left -= chars
                current, size, chars = [], 0, 0
            jobs.append([w])
            left -= sum(len(a.text) for a in w.articles)
            continue
        current.append(w)
        size += len(w.articles)
        chars += sum(len(a.text) for a in w.articles)
        if size >= chunk or (budget is not None and chars >= (budget if left >= tail * budget else budget // 2)):
            jobs.append(current)
            left -= chars
            current, size, chars = [], 0, 0
    if current:
        jobs.append(current)
    return jobs


def run_briefs(engine: Engine, briefer: Briefer, works: Sequence[StoryWork]) -> Iterator[Brief]:
    """Stages 5 to 11 for every story, through ``engine``, briefs in story order.

    Small stories go to a worker together (one parse for all their articles);
    with more than one worker, a large story's articles are parsed in chunks
    on every worker (``ParseJob``), and its brief follows on one of them,
    from those parses (``BriefJob.parsed``). The two streams of jobs run at
    once: the large stories' parses are taken as the briefs come to them.
    """
    parallelism = getattr(engine, "parallelism", 1)
    chunk = chunk_size(sum(len(w.articles) for w in works), parallelism)
    # With workers: about JOBS_PER_WORKER jobs' worth of text each, whatever the articles' lengths.
    text = sum(len(a.text) for w in works for a in w.articles)
    budget = -(-text // (parallelism * JOBS_PER_WORKER)) if parallelism > 1 else None
    jobs = plan_briefs(works, chunk, split=parallelism > 1, budget=budget, tail=parallelism)
    large = [j[0] for j in jobs if len(j) == 1 and len(j[0].articles) > chunk and parallelism > 1]
    parses = engine.map(
        briefer.run,
        (ParseJob(w.articles[k : k + chunk]) for w in large for k in range(0, len(w.articles), chunk)),
    )

    def brief_jobs() -> Iterator[BriefJob]:
        for job in jobs:
            if parallelism > 1 and len(job) == 1 and len(job[0].articles) > chunk:
                parsed: dict[str, Parsed] = {}
                for _ in range(0, len(job[0].articles), chunk):  # its ParseJobs, in the order they were sent
                    parsed.update((p.id, p) for p in next(parses))
                yield BriefJob(job, parsed)
            else:
                yield BriefJob(job)

    for briefs in engine.map(briefer.run, brief_jobs()):
        yield from briefs


class Pipeline:
    """One run: read and prepare the inputs, group them into stories, brief each story.

    ``nlp``, ``embedder`` and ``engine`` are the swappable parts; any not
    given is made from the settings on first use (the embedder from
    ``settings.embedder``; the engine from ``settings.engine`` and
    ``settings.workers``: ``LocalEngine`` in this process for no workers, a
    ``ProcessEngine`` whose workers load the models as the run starts, or
    a ``RayEngine``). The engine runs the per-story work
    (:func:`run_briefs` over :class:`Briefer`); the grouping's search stage
    runs in a worker process of its own when ``settings.workers`` allows
    and the corpus is more than one batch. An engine the pipeline made is
    started and stopped by :meth:`run` and :meth:`analyze`.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        nlp: NLP | None = None,
        embedder: Embedder | None = None,
        engine: Engine | None = None,
        observer: Observer | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self._engine = engine
        self._own_engine: Engine | None = None  # made here from the settings, and running
        self.observer = observer or Observer()
        self.briefer = Briefer(self.settings, nlp=nlp, embedder=embedder)

    @property
    def engine(self) -> Engine:
        """The engine given, or the one :meth:`running` made from the settings (else a local one)."""
        return self._engine or self._own_engine or LocalEngine()

    @contextmanager
    def running(self, articles: int) -> Iterator[Engine]:
        """Start the engine the settings ask for, for a run of ``articles`` articles,
        and stop it at the end (a run of fewer than ``WORKERS_FROM`` is briefed in
        this process: starting workers would cost more than they save). An engine
        passed in is the caller's to start and stop."""
        if self._engine is not None or self._own_engine is not None:
            yield self.engine
            return
        with start_engine(self.settings, self.briefer, articles) as started:
            self._own_engine = started
            try:
                yield started
            finally:
                self._own_engine = None

    @property
    def nlp(self) -> NLP:
        return self.briefer.nlp

    @property
    def embedder(self) -> Embedder | None:
        return self.briefer.embedder

    # ------------------------------------------------------------ stages

    def read(self, paths: Sequence[str], *, stdin: BinaryIO | None = None) -> Read:
        """Stages 1 and 2: every input read and prepared; a bad one is skipped and
        reported (``Observer.problem``), never fatal, unless the settings are
        strict, when the run stops (``StrictModeError``) once all were read; a read
        with no article at all stops too (``InputError``, ``read_done``)."""
        skipped: list[Problem] = []
        articles = list(self.read_stream(paths, skipped, stdin=stdin))
        self.read_done(len(articles), skipped)
        return Read(articles, skipped)

    def read_stream(
        self, paths: Sequence[str], skipped: list[Problem], *, stdin: BinaryIO | None = None
    ) -> Iterator[Article]:
        """Stages 1 and 2 as a stream, for a pile of any size: each article read and
        prepared, in input order; each input skipped is reported as it comes and
        added to ``skipped``. Call :meth:`read_done` after the last."""
        from newsprism.ingest.reading import read_articles

        self.observer.start("reading", None)
        for item in read_articles(list(paths), stdin=stdin):
            if isinstance(item, Problem):
                skipped.append(item)
                self.observer.problem(item)
            else:
                yield item
            self.observer.advance("reading")
        self.observer.done("reading")

    def read_done(self, n_read: int, skipped: Sequence[Problem]) -> None:
        """Reading is over: tell the observer, and stop a strict run that skipped an input,
        or any run that read nothing (``require_articles``)."""
        self.observer.read(n_read, skipped)
        if self.settings.strict and skipped:
            raise StrictModeError(f"{sum(p.count for p in skipped)} input(s) skipped, and the run is strict")
        require_articles(n_read)

    def group(self, articles: list[Article]) -> Grouping:
        """Stages 3 and 4: mark copies and group into stories, a batch at a time
        (``cluster.stream.group_corpus``), from and into the saved state if the
        settings name one. Sets ``duplicate_of``, ``syndicated_from`` and
        ``story`` on every article."""
        settings = self.settings
        if settings.single_story or (settings.state is None and len(articles) <= 1):
            from newsprism.dedup import find_copies

            find_copies(articles)
            story = Story(id="s1", articles=[a.id for a in articles])
            for a in articles:
                a.story = story.id
            return Grouping([story] if articles else [], {})

        from newsprism.cluster import group_corpus, open_state, save_state
        from newsprism.engine import ProcessEngine

        # One worker runs the search stage (Engine.stage); a second would idle. It
        # starts only when there is more than one batch (``group_corpus``).
        stage = ProcessEngine(1) if settings.workers != 0 else None
        self.observer.start("grouping", len(articles))
        with open_state(settings.state, self.embedder) as (copies, clusterer):
            moved = group_corpus(
                articles, copies, clusterer, batch_size=settings.batch_size, engine=stage,
                on_batch=lambda n: self.observer.advance("grouping", n),
            )
            if settings.state is not None:
                save_state(settings.state, copies, clusterer)
            stories = clusterer.stories()
        self.observer.done("grouping")
        return Grouping(stories, moved)

    def briefs(self, articles: list[Article], stories: list[Story]) -> Iterator[Brief]:
        """Stages 5 to 11: one brief per story that holds any of ``articles``,
        in story order, each over those of its articles this run holds (a
        saved state keeps no text). Runs through the engine."""
        by_id = {a.id: a for a in articles}
        work = [StoryWork(s, [by_id[i] for i in s.articles if i in by_id]) for s in stories]
        work = [w for w in work if w.articles]
        self.observer.start("briefs", len(work))
        with self.running(sum(len(w.articles) for w in work)) as engine:
            for brief in run_briefs(engine, self.briefer, work):
                self.observer.advance("briefs")
                yield brief
        self.observer.done("briefs")

    # ------------------------------------------------------------ runs

    def run(self, paths: Sequence[str], *, stdin: BinaryIO | None = None) -> Analysis:
        """The whole run: read, group, brief. The engine starts as soon as the run knows
        it will brief with it, so its workers load their models while the rest is read
        and grouped: a Ray engine before the first article is read, local workers at the
        ``WORKERS_FROM``-th (``running``)."""
        with ExitStack() as engine:
            skipped: list[Problem] = []
            articles: list[Article] = []
            if self.settings.engine == "ray":
                engine.enter_context(self.running(WORKERS_FROM))
            for article in self.read_stream(paths, skipped, stdin=stdin):
                articles.append(article)
                if len(articles) == WORKERS_FROM:
                    engine.enter_context(self.running(WORKERS_FROM))
            self.read_done(len(articles), skipped)
            return self.analyze(articles, skipped)

    def analyze(self, articles: list[Article], skipped: Sequence[Problem] = ()) -> Analysis:
        """Stages 3 to 11 over articles already read and prepared."""
        with self.running(len(articles)):  # workers start and load their models while this process groups
            stories, moved = self.group(articles)
            result = Analysis(articles=articles, stories=stories, skipped=list(skipped), moved=moved)
            result.briefs = list(self.briefs(articles, stories))
        _adopt(result)
        return result

    def quote_rows(self, articles: Sequence[Article]) -> list[dict[str, object]]:
        """Stage 6 alone: one ``{"id", "quotes"}`` row per article (``quotes.article_row``)."""
        from newsprism.quotes import article_row

        return self._rows(articles, "quotes", lambda a, quotes: article_row(a.id, quotes))

    def provenance_rows(self, articles: Sequence[Article]) -> list[dict[str, object]]:
        """Per-stretch provenance alone: one ``{"id", "spans"}`` row per article
        (``provenance.stretches.stretch_row``), what it credits to someone other than itself."""
        from newsprism.provenance.stretches import article_stretches, stretch_row

        return self._rows(articles, "provenance", lambda a, quotes: stretch_row(a.id, article_stretches(a, quotes)))

    def _rows(self, articles: Sequence[Article], stage: str,
              row: Callable[[Article, list[Quote]], dict[str, object]]) -> list[dict[str, object]]:
        """One row per article from its quotes, parsing ``QUOTE_BATCH`` articles at a time to keep memory flat."""
        nlp, extractor = self.nlp, self.briefer.quotes
        rows = []
        self.observer.start(stage, len(articles))
        for start in range(0, len(articles), QUOTE_BATCH):
            batch = list(articles[start : start + QUOTE_BATCH])
            nlp.docs(batch)
            for a in batch:
                rows.append(row(a, extractor.extract(a, nlp)))
                self.observer.advance(stage)
            nlp.forget(a.id for a in batch)
        self.observer.done(stage)
        return rows


def require_articles(n_read: int) -> None:
    """A run with nothing to work on stops here, once the inputs are read (each one skipped
    already warned of): every path missing or every input skipped. Every command that reads
    inputs stops alike: through ``Pipeline.read_done``, or, where it reads without a pipeline,
    by calling this (``add``; the eval commands' JSONL articles). Empty output with exit 0
    would pass a mistyped path off as a pile with no stories in it."""
    if not n_read:
        raise InputError("no readable articles in the input")


def _adopt(result: Analysis) -> None:
    """A brief made in another process holds copies of its story and articles
    (titled, with their mentions): the result takes those, so it is the same
    whichever engine made the briefs."""
    stories = {b.story.id: b.story for b in result.briefs}
    articles = {a.id: a for b in result.briefs for a in b.articles}
    if all(result.articles[k] is articles.get(a.id, a) for k, a in enumerate(result.articles)):
        return
    result.stories = [stories.get(s.id, s) for s in result.stories]
    result.articles = [articles.get(a.id, a) for a in result.articles]


def title_stories(stories: Sequence[Story], articles: Sequence[Article]) -> None:
    """Give each untitled story a title picked from the headlines of its articles
    among ``articles`` (a saved state keeps none of an earlier run's)."""
    from newsprism.claims.summary import story_title

    by_id = {a.id: a for a in articles}
    for story in stories:
        arts = [by_id[i] for i in story.articles if i in by_id]
        if story.title is None and arts:
            story.title = story_title(arts)
