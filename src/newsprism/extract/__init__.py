"""Stage 2 (extract) and stage 5 (entities).

``prepare_articles`` is cheap and runs on every article read; the spaCy-based
entity functions live in ``newsprism.extract.entities`` and are imported from
there so that importing this package never loads spaCy.
"""

from newsprism.extract.outlets import canonical_outlet, find_outlet_mentions, outlet_identity
from newsprism.extract.prepare import prepare_article, prepare_articles

__all__ = ["canonical_outlet", "find_outlet_mentions", "outlet_identity", "prepare_article", "prepare_articles"]
