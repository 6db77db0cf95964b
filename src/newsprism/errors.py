"""Typed exceptions. The CLI turns each into one line and a non-zero exit."""


class NewsprismError(Exception):
    """Base class for every error newsprism raises on purpose."""

    exit_code = 1


class InputError(NewsprismError):
    """An input could not be read (missing path, bad format, ...)."""


class SettingsError(NewsprismError):
    """The settings of a run do not go together (a usage error)."""

    exit_code = 2


class StrictModeError(NewsprismError):
    """The run is strict and at least one input was skipped."""

    exit_code = 3


class MissingExtraError(NewsprismError):
    """An optional dependency is not installed."""

    exit_code = 4

    def __init__(self, package: str, extra: str, purpose: str):
        super().__init__(
            f"{purpose} needs the '{package}' package: pip install 'newsprism[{extra}]'"
        )
        self.package = package
        self.extra = extra


class OutputError(NewsprismError):
    """Where the output goes cannot be written: an ``-o`` or state file (a directory, a path
    the system refuses, a full disk), or the address ``serve`` would listen on (in use)."""


class ModelError(NewsprismError):
    """A model could not be loaded from local files."""


class EvalError(NewsprismError):
    """Gold or prediction files for `newsprism eval` are inconsistent."""


class EngineError(NewsprismError):
    """A worker process of an execution engine stopped before its work was done, or a Ray
    cluster did not give the engine the CPUs it asked for."""


class StoreError(NewsprismError):
    """A database cannot be opened, read or written (foreign, damaged, newer, unreachable)."""


class FetchError(NewsprismError):
    """A URL could not be fetched: ``fetch.Response.raise_for_outcome()`` raises it (as httpx's
    ``raise_for_status``) for every way a fetch fails: an HTTP error, robots.txt, a timeout, a body
    over the cap, a redirect loop, a connection or URL error. The watch never raises it: it
    records the same failure (``what``) as a skipped source and goes on."""

    def __init__(self, url: str, outcome: str, reason: str, status: int | None = None) -> None:
        self.what = f"could not fetch: {reason}"
        super().__init__(f"{url}: {self.what}")
        self.url = url
        self.outcome = outcome  # as ``fetch.Response.outcome``: http-error, robots, timeout, ...
        self.reason = reason
        self.status = status


class StateInUseError(NewsprismError):
    """Another run holds the state file this run would load and save; try again when it ends."""

    exit_code = 75  # EX_TEMPFAIL: a script may retry
