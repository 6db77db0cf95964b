"""What a run's worker processes import before they are forked (``ProcessEngine(preload=...)``).

Imported once, by the fork server of the process that runs the briefs; each
worker forked from it starts with these modules and imports none of them
again: spaCy (as ``nlp.import_spacy`` imports it, without torch), and the
libraries and stages that claim alignment and the other brief stages import
on first use. What is left (the model, the quote model, the first use of each
stage) each worker loads in ``Briefer.warm``. Nothing here starts a thread
or loads a model, so forking after it is safe.
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
