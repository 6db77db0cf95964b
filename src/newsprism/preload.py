"""What a run's worker processes import before they are forked (``ProcessEngine(preload=...)``).

Imported once, by the fork server of the process that runs the briefs; each
worker forked from it starts with these modules and imports none of them
again: spaCy (as ``nlp.import_spacy`` imports it, without torch), and the
libraries and stages that claim alignment and the other brief stages import
on first use; then the models every brief uses (spaCy, the quote model), and
a made-up story briefed once (``pipeline.preload_parts``), so each worker
starts with them loaded and every stage used once (``Briefer.warm`` in the
worker then loads only what its settings add, such as another embedder).
Nothing here starts a thread (numpy's own BLAS thread comes with its import,
and forking copes with it), so forking after it is safe; the workers share
the model's memory with the server until they write to it.
"""

from newsprism.nlp import import_spacy

import_spacy()

import scipy.sparse  # noqa: E402, F401

import newsprism.claims  # noqa: E402, F401
import newsprism.extract.entities  # noqa: E402, F401
import newsprism.framing  # noqa: E402, F401
import newsprism.pipeline  # noqa: E402, F401
import newsprism.provenance  # noqa: E402, F401
import newsprism.quotes  # noqa: E402, F401
from newsprism.pipeline import preload_parts  # noqa: E402

preload_parts()
