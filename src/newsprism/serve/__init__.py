"""The local web app: story list, story pages, article pages and a JSON API.

Modules: ``corpus`` (what the app reads: an analysis in memory, or a database
through ``stored``), ``app`` (the application, its security headers and error
pages), ``routes`` (the pages and the API), ``templates/`` (the app's pages;
the brief itself is the report's ``_brief.html``, shared with the saved HTML).

Article text is untrusted: templates autoescape everything, pages load only
this app's own CSS and JS, and a strict Content-Security-Policy forbids inline
script, so a ``<script>`` or ``onerror=`` in an article can never run.

JSON API (also described by ``/openapi.json``), the same dicts as
``newsprism analyze --format json``:

* ``GET /api/analysis``: the whole report, ``{"version": 1, "articles", "stories", ...}``
* ``GET /api/stories?q=``: ``[{"id", "title", "articles", "outlets", "unknown_outlets", "claims", "quotes", "conflicts"}]``
* ``GET /api/stories/{id}``: one brief, as in the report's ``stories`` list
* ``GET /api/articles/{id}``: one article, as in the report's ``articles`` list
"""

from newsprism.serve.app import CSP, create_app
from newsprism.serve.corpus import PAGE, Corpus, MemoryCorpus, story_row
from newsprism.serve.routes import parse_highlight

__all__ = ["CSP", "PAGE", "Corpus", "MemoryCorpus", "create_app", "parse_highlight", "story_row"]
