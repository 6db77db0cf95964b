"""newsprism: see how news stories are reported, sourced and framed across outlets.

The public API, for use as a library (the README's "Use it as a library")::

    import newsprism

    result = newsprism.Pipeline(newsprism.Settings(framing=False)).run(["examples/harlow-dam"])
    for brief in result.briefs:
        ...

``Pipeline`` owns a run (``run`` over paths, ``analyze`` over articles already
read); ``Settings`` and ``FetchSettings`` are its typed configuration; every
error newsprism raises on purpose is a ``NewsprismError``; ``open_store``
opens a database behind the ``Store`` protocol; ``Analysis``, ``Brief``,
``Article``, ``Story``, ``Claim``, ``QuoteGroup`` and ``Problem`` are what a
run gives back. Anything else is internal and may change.

Only the exceptions load with the package: the rest loads on first use, so
``import newsprism`` stays as quick as the interpreter's start.
"""

from __future__ import annotations

from importlib import import_module

from newsprism.errors import (
    EngineError,
    EvalError,
    FetchError,
    InputError,
    MissingExtraError,
    ModelError,
    NewsprismError,
    OutputError,
    SettingsError,
    StateInUseError,
    StoreError,
    StrictModeError,
)

__version__ = "0.1.0"

# Not typing.TYPE_CHECKING: importing typing (with re and enum) would double the import's time;
# mypy takes any constant of this name as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from newsprism.fetch.settings import FetchSettings
    from newsprism.model import Analysis, Article, Brief, Claim, Problem, QuoteGroup, Story
    from newsprism.pipeline import Pipeline, Settings
    from newsprism.store import Store, open_store

# Each lazy name, and the module that defines it.
_LAZY = {
    "Pipeline": "newsprism.pipeline",
    "Settings": "newsprism.pipeline",
    "FetchSettings": "newsprism.fetch.settings",
    "Store": "newsprism.store",
    "open_store": "newsprism.store",
    "Analysis": "newsprism.model",
    "Article": "newsprism.model",
    "Brief": "newsprism.model",
    "Claim": "newsprism.model",
    "Problem": "newsprism.model",
    "QuoteGroup": "newsprism.model",
    "Story": "newsprism.model",
}

__all__ = [
    "Analysis",
    "Article",
    "Brief",
    "Claim",
    "EngineError",
    "EvalError",
    "FetchError",
    "FetchSettings",
    "InputError",
    "MissingExtraError",
    "ModelError",
    "NewsprismError",
    "OutputError",
    "Pipeline",
    "Problem",
    "QuoteGroup",
    "Settings",
    "SettingsError",
    "StateInUseError",
    "Store",
    "StoreError",
    "Story",
    "StrictModeError",
    "__version__",
    "open_store",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # the next look-up is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
