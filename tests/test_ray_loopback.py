"""A Ray that ``--engine ray`` starts on this machine (no ``--address``) listens on loopback only.

On Linux Ray gives a node it starts the machine's routable address and, unless that
address is 127.0.0.1, its servers (GCS, raylet, workers) listen on every interface,
with token authentication off for ``ray.init``: anyone who reaches the host could run
code in it. Checked from the kernel's own socket table, in a fresh interpreter (Ray
reads its switch when it is imported)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT

PROBE = r"""
import json, os
from newsprism.engine.ray import RayEngine

def descendants(root):
    children = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        children.setdefault(ppid, []).append(int(pid))
    out, todo = set(), [root]
    while todo:
        pid = todo.pop()
        out.add(pid)
        todo.extend(children.get(pid, []))
    return out

def listening(pids):
    inodes = set()
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
                if link.startswith("socket:["):
                    inodes.add(link[8:-1])
        except OSError:
            continue
    found = []
    for table in ("tcp", "tcp6"):
        with open(f"/proc/net/{table}") as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                    found.append(fields[1].split(":")[0])
    return found

with RayEngine(num_cpus=1) as engine:
    import ray
    print(json.dumps({"nodes": [n["NodeManagerAddress"] for n in ray.nodes()], "listening": listening(descendants(os.getpid()))}))
"""

LOOPBACK = {"0100007F", "00000000000000000000000001000000", "0000000000000000FFFF00000100007F"}  # 127.0.0.1, ::1, ::ffff:127.0.0.1 in /proc/net


@pytest.mark.slow
def test_a_ray_started_here_listens_on_loopback_only() -> None:
    pytest.importorskip("ray")
    env = {k: v for k, v in __import__("os").environ.items() if k != "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"}
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["nodes"] == ["127.0.0.1"], seen
    assert seen["listening"] and set(seen["listening"]) <= LOOPBACK, seen  # was 0.0.0.0 and the host's address
