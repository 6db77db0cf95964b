"""Stage 4: incremental story clustering."""

from __future__ import annotations

from newsprism.cluster.clusterer import StoryClusterer, cluster_stories
from newsprism.cluster.config import ClusterConfig, FeatureConfig

__all__ = ["ClusterConfig", "FeatureConfig", "StoryClusterer", "cluster_stories"]
