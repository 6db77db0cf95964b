"""The rule components of spaCy's English pipelines, run faster with the same annotations.

Of the CPU a parse of PolNeAR dev took (84 articles, 82,000 tokens), about an eighth
went to two components that hold no model:

- the **attribute ruler**: its Matcher tries each of its 179 patterns at every token
  (1.9 s), though almost every pattern is one token whose TAG, LOWER or DEP equals a
  value. Those are found here from the doc's token arrays (``Doc.to_array``), a pattern
  at a time; the few others (a REGEX, an operator) still go through a Matcher of their
  own. The matches are the Matcher's, sorted as the ruler sorts them, and the ruler's
  own ``set_annotations`` applies them, so every token gets the same attributes.
- the **lemmatizer**: each rule's candidate lemma is looked up with ``in`` in a list
  of up to 57,528 words (1.5 s); the same words as a frozenset answer the same.

``speed_up(nlp)`` makes both changes to a loaded pipeline; a pipeline without these
components, or with other kinds of them, is left as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

FACTORY = "newsprism_attribute_ruler"
_COLUMNS = ("LOWER", "TAG", "DEP", "IS_SPACE")  # the token attributes the arrays match on
_EQ, _IN, _NOT_IN = 0, 1, 2


def speed_up(nlp: "Language") -> None:
    """Swap in the faster attribute ruler and the lemmatizer's word sets (same output)."""
    _index_sets(nlp)
    _quick_ruler(nlp)


def _index_sets(nlp: "Language") -> None:
    if "lemmatizer" not in nlp.pipe_names:
        return
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return
    index = lookups.get_table("lemma_index")
    for key in list(index.keys()):
        index[key] = frozenset(index[key])


def _quick_ruler(nlp: "Language") -> None:
    from spacy.pipeline import AttributeRuler

    names = [name for name, pipe in nlp.pipeline if type(pipe) is AttributeRuler]
    if not names:
        return
    _register()
    for name in names:
        patterns = nlp.get_pipe(name).patterns  # type: ignore[attr-defined]
        nlp.replace_pipe(name, FACTORY)
        nlp.get_pipe(name).add_patterns(patterns)  # type: ignore[attr-defined]


def _register() -> None:
    from spacy.language import Language
    from spacy.pipeline import AttributeRuler

    if FACTORY in Language.factories:
        return

    class QuickAttributeRuler(AttributeRuler):
        """An attribute ruler that finds its simple patterns' matches from token arrays."""

        _rules: "list[tuple[int, int, int, list[tuple[int, int, int, Any]]]] | None" = None
        _rest: Any = None

        def add(self, patterns: Any, attrs: dict, index: int = 0) -> None:
            super().add(patterns, attrs, index)
            self._rules = None

        def clear(self) -> None:
            super().clear()
            self._rules = None

        def match(self, doc: "Doc") -> list[tuple[int, int, int, int]]:
            """What ``AttributeRuler.match`` returns: (rule, match id, start, end), sorted."""
            if self._rules is None:
                self._compile()
            assert self._rules is not None
            found = _array_matches(doc, self._rules)
            strings = self.vocab.strings
            found.extend((int(strings[m]), m, s, e) for m, s, e in self._rest(doc, allow_missing=True, as_spans=False))
            found.sort()
            return found

        def _compile(self) -> None:
            from spacy.matcher import Matcher

            strings = self.vocab.strings
            rules, rest = [], Matcher(self.vocab, validate=self.validate)
            for i in range(len(self.attrs)):
                key = str(i)
                for pattern in self.matcher.get(key)[1]:
                    checks = _checks(pattern)
                    if checks is None:
                        rest.add(strings.add(key), [pattern])
                    else:
                        rules.append((i, strings[key], len(pattern), checks))
            self._rules, self._rest = rules, rest

    @Language.factory(FACTORY)
    def make(nlp: "Language", name: str) -> AttributeRuler:
        return QuickAttributeRuler(nlp.vocab, name=name)


def _checks(pattern: list[dict]) -> "list[tuple[int, int, int, Any]] | None":
    """A pattern as (token offset, column, test, value) checks, or None when it needs the Matcher
    (an operator, a REGEX, an attribute not in the arrays)."""
    import numpy as np
    from spacy.strings import get_string_id

    checks: list[tuple[int, int, int, Any]] = []
    for offset, spec in enumerate(pattern):
        for attr, value in spec.items():
            column = _COLUMNS.index(attr.upper()) if isinstance(attr, str) and attr.upper() in _COLUMNS else -1
            if column < 0:
                return None
            if isinstance(value, bool):
                checks.append((offset, column, _EQ, np.uint64(int(value))))
            elif isinstance(value, str):
                checks.append((offset, column, _EQ, np.uint64(get_string_id(value))))
            elif (isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("IN", "NOT_IN")
                  and all(isinstance(v, str) for v in next(iter(value.values())))):
                op, values = next(iter(value.items()))
                ids = np.array(sorted({get_string_id(v) for v in values}), dtype=np.uint64)
                checks.append((offset, column, _IN if op == "IN" else _NOT_IN, ids))
            else:
                return None
    return checks


def _array_matches(doc: "Doc", rules: list) -> list[tuple[int, int, int, int]]:
    import numpy as np

    n = len(doc)
    if not n:
        return []
    table = doc.to_array(list(_COLUMNS))
    columns = [table[:, k] for k in range(len(_COLUMNS))]
    found: list[tuple[int, int, int, int]] = []
    for rule, match_id, length, checks in rules:
        if length > n:
            continue
        starts = n - length + 1
        hit = None
        for offset, column, test, value in checks:
            values = columns[column][offset : offset + starts]
            if test == _EQ:
                ok = values == value
            else:
                ok = np.isin(values, value, invert=test == _NOT_IN)
            hit = ok if hit is None else hit & ok
        at = range(starts) if hit is None else np.flatnonzero(hit).tolist()
        found.extend((rule, match_id, s, s + length) for s in at)
    return found
