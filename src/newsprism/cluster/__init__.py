"""Stage 4: incremental story clustering.

The public API; a contributor finds: ``config`` (the settings), ``features``
(articles as vectors), ``vectors`` (their storage), ``index`` (the neighbour
index: admission and search), ``linkage`` (average linkage), ``stories``
(the stories table), ``clusterer`` (grouping, second thoughts, refinement,
merging), ``state`` (the versioned state and its file), ``stream`` (a corpus
batch by batch, with copies and a worker process), ``names`` (a story's names).
"""

from __future__ import annotations

from newsprism.cluster.clusterer import StoryClusterer, cluster_stories
from newsprism.cluster.config import ClusterConfig, FeatureConfig
from newsprism.cluster.state import load_state, open_state, save_state
from newsprism.cluster.stream import group_corpus

__all__ = [
    "ClusterConfig",
    "FeatureConfig",
    "StoryClusterer",
    "cluster_stories",
    "group_corpus",
    "load_state",
    "open_state",
    "save_state",
]
