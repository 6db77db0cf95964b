"""Stage 4: incremental story clustering."""

from __future__ import annotations

from newsprism.cluster.clusterer import StoryClusterer, cluster_stories
from newsprism.cluster.embedders import Embedder

__all__ = ["Embedder", "StoryClusterer", "cluster_stories"]
