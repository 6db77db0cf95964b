"""A throwaway PostgreSQL server for the store tests: Debian's ``postgresql``
binaries, ``initdb`` into a temporary directory and ``pg_ctl`` on a free
loopback port, run as the ``postgres`` user when the tests run as root
(PostgreSQL refuses to run as root). ``.ci/run`` installs the package."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Server:
    bindir: Path
    home: Path
    port: int
    as_user: list[str]

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        subprocess.run(
            [*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.home / "data"), "-m", "immediate", "-w", "stop"],
            capture_output=True, check=False, timeout=60,
        )
        shutil.rmtree(self.home, ignore_errors=True)


def find_bindir() -> Path | None:
    """The newest installed server's binaries (Debian keeps them off PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start() -> Server:
    """Start a server; raises RuntimeError saying why when it cannot."""
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("no PostgreSQL server binaries (apt-get install postgresql)")
    home = Path(tempfile.mkdtemp(prefix="newsprism-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data = home / "data"
    try:
        run = lambda *cmd: subprocess.run([*as_user, *cmd], capture_output=True, text=True, check=True, timeout=120)  # noqa: E731
        run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync")
        for _ in range(5):  # a port found free may be taken before the server binds it
            port = _free_port()
            opts = (
                f"-c listen_addresses=127.0.0.1 -p {port} -k {home} -c fsync=off -c full_page_writes=off "
                "-c synchronous_commit=off -c max_connections=50 -c shared_buffers=32MB"
            )
            done = subprocess.run(
                [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(home / "log"), "-o", opts, "-w", "-t", "60", "start"],
                capture_output=True, text=True, timeout=120, check=False,
            )
            if done.returncode == 0:
                return Server(bindir, home, port, as_user)
        raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip() or done.stdout.strip()}")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError, KeyError, LookupError) as e:
        detail = getattr(e, "stderr", None) or str(e)
        shutil.rmtree(home, ignore_errors=True)
        raise RuntimeError(f"cannot start a PostgreSQL server: {str(detail).strip()}") from e
