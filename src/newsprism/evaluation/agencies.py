"""Agency copy against gold labels: which articles are an agency's copy, and whose.

Gold is an article's ``wire`` field (PolNeAR's labels: "AP", "AFP", "Reuters",
"UPI"; "None" or "NA" for an outlet's own piece). The prediction is the
agency the extract stage gives the article: ``syndicated_from`` when it names
an agency, else the outlet when the text made the agency the outlet (no host
known). An article counts as found only with the right agency: a wrong agency
is one miss and one false mark.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from newsprism.extract.outlets import is_wire, outlet_identity
from newsprism.model import Article

NOT_WIRE = frozenset({"", "none", "na", "null"})


def gold_agency(label: str | None) -> str | None:
    """The outlets-table id of a gold ``wire`` label ("reuters", "ap"), None for an outlet's own piece."""
    if label is None or label.strip().casefold() in NOT_WIRE:
        return None
    return outlet_identity(label)[0]


def predicted_agency(a: Article) -> str | None:
    """The agency whose copy the prepared article is, if any."""
    if a.syndicated_from:
        oid = outlet_identity(a.syndicated_from)[0]
        return oid if is_wire(oid) else None
    if "outlet" in a.inferred and a.outlet_id and is_wire(a.outlet_id):
        return a.outlet_id  # the text named the agency and no host
    return None


@dataclass
class AgencyScores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    per_agency: dict[str, Counter[str]] = field(default_factory=dict)  # agency -> {"gold", "tp", "fp", "fn"}
    errors: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # (id, gold, predicted)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    def as_dict(self) -> dict[str, object]:
        return {
            "recall": round(self.recall, 4),
            "precision": round(self.precision, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "per_agency": {k: dict(v) for k, v in sorted(self.per_agency.items())},
        }


def score_agencies(pairs: Iterable[tuple[str, str | None, str | None]]) -> AgencyScores:
    """Scores of (article id, gold agency, predicted agency) triples."""
    s = AgencyScores()
    for aid, gold, pred in pairs:
        if gold:
            s.per_agency.setdefault(gold, Counter())["gold"] += 1
        if gold and pred == gold:
            s.tp += 1
            s.per_agency[gold]["tp"] += 1
            continue
        if gold:
            s.fn += 1
            s.per_agency[gold]["fn"] += 1
        if pred:
            s.fp += 1
            s.per_agency.setdefault(pred, Counter())["fp"] += 1
        if gold or pred:
            s.errors.append((aid, gold, pred))
    return s


def folds(ids: Sequence[str], k: int) -> list[list[str]]:
    """``k`` folds of the ids, every k-th in sorted order, so each fold mixes outlets and dates alike."""
    ordered = sorted(ids)
    return [ordered[i::k] for i in range(k)]
