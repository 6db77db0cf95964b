"""The cluster state file under two runs at once and under a kill: no run is ever lost silently."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

ARTICLES = Path(__file__).resolve().parent / "fixtures" / "cluster" / "articles.jsonl"

# A run that loads the state and holds it (as `cluster --state` does while it
# clusters) until told to go on, then saves it back.
HOLDER = """
import sys
from pathlib import Path
from newsprism.cluster import open_state, save_state
path = Path(sys.argv[1])
with open_state(path, None) as (copies, clusterer):
    print("holding", flush=True)
    sys.stdin.readline()
    save_state(path, copies, clusterer)
"""


def _cluster(state: Path, *paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsprism", "cluster", "-q", "--state", str(state), *map(str, paths)],
        capture_output=True, text=True, timeout=300,
    )


def _state_ids(state: Path) -> set[str]:
    return set(json.loads(state.read_text())["clusterer"]["index"]["ids"])


def _halves(tmp_path: Path) -> tuple[Path, Path, set[str], set[str]]:
    lines = ARTICLES.read_text().splitlines()
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("\n".join(lines[:5]) + "\n")
    second.write_text("\n".join(lines[5:]) + "\n")
    ids = lambda part: {json.loads(line)["id"] for line in part}  # noqa: E731
    return first, second, ids(lines[:5]), ids(lines[5:])


def test_a_second_run_on_a_state_in_use_is_refused_in_one_line_and_the_first_run_is_kept(tmp_path):
    state = tmp_path / "S.json"
    first, second, first_ids, second_ids = _halves(tmp_path)
    assert _cluster(state, first).returncode == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(state)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        refused = _cluster(state, second)
        assert refused.returncode == 75, refused.stderr
        assert refused.stderr.strip() == f"error: {state} is in use by another newsprism run: try again when it ends"
        assert refused.stdout == ""
    finally:
        holder.communicate("\n", timeout=120)
    assert holder.returncode == 0
    assert _state_ids(state) == first_ids
    # Once the holder is done, the refused run goes through and keeps both.
    assert _cluster(state, second).returncode == 0
    assert _state_ids(state) == first_ids | second_ids


def test_two_runs_started_at_once_each_keep_their_articles_or_say_they_did_not(tmp_path):
    state = tmp_path / "S.json"
    first, second, first_ids, second_ids = _halves(tmp_path)
    cmd = [sys.executable, "-m", "newsprism", "cluster", "-q", "--state", str(state)]
    runs = [subprocess.Popen([*cmd, str(p)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for p in (first, second)]
    codes = [(r.wait(timeout=300), r.stderr.read()) for r in runs]
    assert all(code in (0, 75) for code, _ in codes), codes
    assert any(code == 0 for code, _ in codes)
    kept = set().union(*(ids for (code, _), ids in zip(codes, (first_ids, second_ids)) if code == 0))
    assert _state_ids(state) == kept  # every run that said it succeeded is in the state, and nothing else
    assert not list(tmp_path.glob(".S.json.*")), "no temporary file left behind"


# Saves two different states in turn, for ever, so that a kill lands at any
# point of a save. Files are written slowly (64 KB, a pause, the next 64 KB),
# so that most kills land in the middle of writing one, where a save that
# wrote the state file in place would leave it cut short.
SAVER = """
import io, random, sys, time
from pathlib import Path

class Slow:
    def __init__(self, f):
        self._f = f
    def write(self, text):
        for k in range(0, len(text), 1 << 16):
            self._f.write(text[k : k + (1 << 16)])
            self._f.flush()
            time.sleep(0.002)
        return len(text)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return self._f.__exit__(*exc)
    def __getattr__(self, name):
        return getattr(self._f, name)

_open = io.open
io.open = lambda *a, **k: Slow(_open(*a, **k))
from newsprism.cluster import StoryClusterer, save_state
from newsprism.dedup import CopyIndex
from newsprism.model import Article

rng = random.Random(0)
words = [f"w{k}" for k in range(3000)]
arts = [Article(id=f"a{i}", text=" ".join(rng.choice(words) for _ in range(120))) for i in range(450)]
states = []
for n in (300, 450):
    copies, c = CopyIndex(), StoryClusterer()
    copies.add(arts[:n])
    c.add(arts[:n])
    states.append((copies, c))
path = Path(sys.argv[1])
save_state(path, *states[0])
print("saving", flush=True)
k = 1
while True:
    save_state(path, *states[k % 2])
    k += 1
"""


def test_a_kill_at_any_moment_of_a_save_leaves_a_whole_state(tmp_path):
    state = tmp_path / "S.json"
    rng = random.Random(1)
    for _ in range(4):
        saver = subprocess.Popen([sys.executable, "-c", SAVER, str(state)], stdout=subprocess.PIPE, text=True)
        assert saver.stdout.readline().strip() == "saving"
        time.sleep(rng.uniform(0.02, 0.3))
        saver.send_signal(signal.SIGKILL)
        saver.wait()
        assert len(_state_ids(state)) in (300, 450)  # the one before or the one after, whole
