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

        _rules: "list[tuple] | None" = None
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
                        rules.append(_rule(i, strings[key], len(pattern), checks))
            self._rules, self._rest = rules, rest

    @Language.factory(FACTORY)
    def make(nlp: "Language", name: str) -> AttributeRuler:
        return QuickAttributeRuler(nlp.vocab, name=name)


def _checks(pattern: list[dict]) -> "list[tuple[int, int, int, Any]] | None":
    """A pattern as (token offset, column, test, value) checks, or None when it needs the Matcher
    (an operator, a REGEX, an attribute not in the arrays)."""
    from spacy.strings import get_string_id

    checks: list[tuple[int, int, int, Any]] = []
    for offset, spec in enumerate(pattern):
        for attr, value in spec.items():
            column = _COLUMNS.index(attr.upper()) if isinstance(attr, str) and attr.upper() in _COLUMNS else -1
            if column < 0:
                return None
            if isinstance(value, bool):
                checks.append((offset, column, _EQ, int(value)))
            elif isinstance(value, str):
                checks.append((offset, column, _EQ, get_string_id(value)))
            elif (isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("IN", "NOT_IN")
                  and all(isinstance(v, str) for v in next(iter(value.values())))):
                op, values = next(iter(value.items()))
                checks.append((offset, column, _IN if op == "IN" else _NOT_IN, frozenset(map(get_string_id, values))))
            else:
                return None
    return checks


_ANCHOR_ORDER = (0, 3, 1, 2)  # LOWER, IS_SPACE, TAG, DEP: the rarest values first


def _rule(rule: int, match_id: int, length: int, checks: list[tuple[int, int, int, Any]]) -> tuple:
    """A rule as ``_array_matches`` takes it: an equality check to start from (its anchor) and the
    other checks, or no anchor and every check as arrays."""
    import numpy as np

    equal = [c for c in checks if c[2] == _EQ]
    if not equal:
        arrays = [(o, col, t, np.array(sorted(v), dtype=np.uint64)) for o, col, t, v in checks]
        return rule, match_id, length, None, arrays
    anchor = min(equal, key=lambda c: _ANCHOR_ORDER.index(c[1]))
    return rule, match_id, length, (anchor[0], anchor[1], anchor[3]), [c for c in checks if c is not anchor]


def _array_matches(doc: "Doc", rules: list) -> list[tuple[int, int, int, int]]:
    """The matches of ``rules`` (``_rule``) in ``doc``: a rule with an equality check starts from
    the tokens holding that value (an index of the column), checked one by one; a rule without
    one is checked on whole columns at once."""
    import numpy as np

    n = len(doc)
    if not n:
        return []
    table = doc.to_array(list(_COLUMNS))
    rows: list[list[int]] = table.T.tolist()
    index: dict[int, dict[int, list[int]]] = {}  # column -> value -> positions, built on first use
    found: list[tuple[int, int, int, int]] = []
    for rule, match_id, length, anchor, checks in rules:
        if length > n:
            continue
        last = n - length  # the last start
        if anchor is None:
            hit = np.ones(last + 1, dtype=bool)
            for offset, column, test, value in checks:
                values = table[offset : offset + last + 1, column]
                hit &= np.isin(values, value, invert=test == _NOT_IN) if test != _EQ else values == value
            found.extend((rule, match_id, s, s + length) for s in np.flatnonzero(hit).tolist())
            continue
        offset, column, value = anchor
        by_value = index.get(column)
        if by_value is None:
            by_value = index[column] = {}
            for i, v in enumerate(rows[column]):
                by_value.setdefault(v, []).append(i)
        for at in by_value.get(value, ()):
            s = at - offset
            if s < 0 or s > last:
                continue
            for off, col, test, val in checks:
                v = rows[col][s + off]
                if (v != val) if test == _EQ else ((v in val) != (test == _IN)):
                    break
            else:
                found.append((rule, match_id, s, s + length))
    return found
