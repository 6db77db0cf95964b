"""Provenance: who each article cites, and whom they cite, as a graph with evidence spans."""

from newsprism.provenance.graph import article_node, build_provenance, key_sources

__all__ = ["article_node", "build_provenance", "key_sources"]
