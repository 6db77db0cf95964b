"""The settings of story clustering: one frozen, typed object, saved with the state.

Every figure here was chosen by measurement on the dev sets (bench/README.md,
tests/test_cluster_quality.py). A clusterer is made with a configuration
(``ClusterConfig()``: the defaults) and keeps it; a state saves it, so a later
run goes on as the first went whatever the defaults have become since. To
try other settings, make another configuration with ``dataclasses.replace``
(``scripts/tune_cluster.py --set threshold=0.16`` does).

An embedder's own calibration (``newsprism.embedders.Calibration``) shifts
the threshold and replaces ``alpha``; ``ClusterConfig.linkage`` makes the
linkage's parameters of the two.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from newsprism.cluster.linkage import LinkageParams

if TYPE_CHECKING:
    from newsprism.embedders import Calibration


@dataclass(frozen=True)
class FeatureConfig:
    """How the featurizer weighs its blocks of terms (see ``features``)."""

    # Each block's weight in the similarity; a block of weight 0 is left out.
    weights: Mapping[str, float] = field(
        default_factory=lambda: {"W": 1.0, "L": 0.3, "T": 0.4, "E": 0.2, "N": 0.2, "F": 0.25, "D": 0.1}
    )
    # Mismatch penalties: two articles that both have the block lose this much
    # similarity, which their shared terms must win back (see ``features``).
    penalties: Mapping[str, float] = field(default_factory=lambda: {"E": 0.05, "F": 0.2, "D": 0.06})
    # Added to every IDF: the first articles of a stream see every term in every
    # document (IDF 0) and would otherwise stay empty vectors for good.
    idf_floor: float = 0.5
    idf_trust_docs: int = 20  # corpus size at which running IDF gets half the weight
    idf_window_docs: int = 10_000  # earlier counts fade by exp(-n / this) over the next n articles
    flat_idf: float = 2.0  # the IDF of every term while the corpus is small
    # A term that only forgotten articles had (``index``) leaves the vocabulary once its
    # faded count is below this: should it come back, counting it from nothing changes
    # its IDF by under this much of a count. A term last seen c times is held some
    # idf_window_docs * ln(c / faded_count) articles after its last use (69,000 for
    # c = 1 at 1e-3); a long-running watch may hold less (a larger value). With the
    # default windows (``hot_articles`` ten ``idf_window_docs``) every such term is that faded.
    faded_count: float = 1e-3


@dataclass(frozen=True)
class ClusterConfig:
    """Every setting of the clusterer (see the module docstring of ``clusterer``)."""

    batch: int = 1000  # articles grouped together: a corpus or stream is taken in this many at a time
    # The linkage (see ``linkage.LinkageParams``).
    threshold: float = 0.14
    alpha: float = 0.3  # weight of the hubness correction
    # Stories two years apart never merge; closer gaps cost time_penalty * log(1 + gap / time_scale_days):
    # follow-ups of one event (charges, trial, sentence) come weeks, months, even a year or more later.
    window_days: int = 730
    time_penalty: float = 0.03
    time_scale_days: float = 10.0
    join_bonus: float = 0.06
    join_min: int = 8
    cohesion_ratio: float = 0.65
    # The neighbour search (``index``).
    r_neighbours: int = 3  # hubness r: the mean similarity of this many nearest neighbours
    neighbours: int = 4  # edges kept per article (10 scored the same on the dev sets, at 20% more time)
    searched: int = 12  # neighbours the search keeps: the article's own near-copies may fill the first ``neighbours``
    candidates: int = 40  # candidates scored exactly per article
    posting_cap: int = 200  # latest articles kept per blocking key
    keys: int = 32  # heaviest terms of an article that may serve as its blocking keys
    query_keys: int = 16  # of those, how many (shared with some other article) are looked up
    pending_cap: int = 2_000_000  # terms seen in one article only, remembered to post it later
    # Near-copies: similarity over the geometric mean of the two self-similarities
    # (see the module docstring of ``clusterer``).
    near_copy: float = 0.7
    # Stories larger than refine_max are not grouped again after a batch (the cost
    # grows with the square of the members); the dev sets' stories are all smaller.
    # A story of up to refine_always members is grouped again whenever a batch brings
    # it an article; a larger one only when the batch brought one per refine_every
    # members beyond those: one more article changes a large story little, and the
    # cost per article stays flat.
    refine_max: int = 32
    refine_always: int = 12
    refine_every: int = 4
    # Stories whose members' pair similarities are kept for the next refinement
    # (the latest refined); an older story's are scored again when it is next
    # refined, exactly as they were (see ``clusterer._member_pairs``). Memory only.
    cached_stories: int = 20_000
    # Forgetting and spilling (``index`` and ``clusterer``): an article dated more than
    # ``hot_days`` before the newest article taken in (None: ``window_days``, the
    # linkage's own window) and older than the latest ``hot_articles`` arrivals is
    # no longer searched as a neighbour, nor as an original by the copy index
    # (``CopyIndex.forget_window``); a story all of whose members are so is
    # spilled: it keeps its id and members, but its sums and its articles'
    # vectors leave memory. The arrivals keep an
    # archive read out of date order (an article of 2009 after one of 2024) from
    # losing the stories of its own years while they are still being read.
    hot_days: int | None = None
    hot_articles: int = 100_000
    features: FeatureConfig = field(default_factory=FeatureConfig)

    @property
    def hot_window(self) -> tuple[int, int]:
        """(days, arrivals) of forgetting, as the neighbour index applies them."""
        return (self.window_days if self.hot_days is None else self.hot_days), self.hot_articles

    def linkage(self, calibration: "Calibration | None" = None) -> LinkageParams:
        """The linkage's parameters, with an embedder's calibration if one is mixed in."""
        weight, shift, alpha = (0.0, 0.0, self.alpha) if calibration is None else (
            calibration.dense_weight, calibration.threshold_shift, calibration.alpha
        )
        return LinkageParams(
            threshold=self.threshold + shift,
            alpha=alpha,
            dense_weight=weight,
            window_days=self.window_days,
            time_penalty=self.time_penalty,
            time_scale_days=self.time_scale_days,
            join_bonus=self.join_bonus,
            join_min=self.join_min,
            cohesion_ratio=self.cohesion_ratio,
        )

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["features"] = {k: dict(v) if isinstance(v, Mapping) else v for k, v in d["features"].items()}
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "ClusterConfig":
        """A configuration saved by ``to_dict``; settings it lacks (saved by an
        earlier version) take their defaults, and unknown ones are refused."""
        return _build(cls, {**d, "features": _build(FeatureConfig, d.get("features", {}))})


def _build(cls: type, d: Mapping[str, Any]) -> Any:
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(d) - names)
    if unknown:
        raise ValueError(f"unknown {cls.__name__} setting(s): {', '.join(unknown)}")
    return cls(**d)
