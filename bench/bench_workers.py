"""The whole ``newsprism analyze`` against a bare spaCy parse of the same texts, and
its speed-up from one worker to two: one command that prints the ratios.

Every run is a whole command in a fresh process, timed from outside: wall
clock (CPU plus wait) and CPU (user + system of the process and every worker,
from ``RUSAGE_CHILDREN``; the bench adopts and reaps the fork server that
analyze's workers come from, so their CPU counts). Models load inside the timing in
both, as they do for a user.

- ``bare``: ``nlp.pipe`` over the texts in one process, the model with every
  component (what spaCy alone costs; the time of the parse alone is printed too);
- with ``--bare-no-huge-pages``, the same with transparent huge pages off
  (``nlp.no_huge_pages``, as analyze parses), so a ratio can be read against
  spaCy on such a machine too; and again with spaCy imported without torch
  (``nlp.import_spacy``, as analyze imports it: thinc imports torch whenever
  it is installed, 1.4 s of CPU here, and the model never calls it), which is
  spaCy loaded as analyze loads it; with ``--bare-quick-rules``, that again with
  the rule components analyze runs (``spacy_rules``: the same annotations, less
  CPU), so what is left is what analyze adds to the parse it makes;
- with ``--old SRC``: the analyze runs again with ``PYTHONPATH=SRC`` (the
  ``src`` of another commit, e.g. ``git archive main src | tar -x -C DIR``),
  alternating with the rest, so a change is timed against the commit before
  it in the same rounds;
- ``analyze --workers N`` for each N asked (``default``: no ``--workers``, one per core),
  JSON out, the same for every N and every round (checked run by run);
- with ``--ray ADDRESS``: ``analyze --engine ray --address ADDRESS --workers N``
  for N = 1 and 2 (the CPU column is the driver's: the Ray workers' is the cluster's, below).
  ``bash scripts/ray_cluster_check.sh --run python bench/bench_workers.py --ray``
  starts the two-node cluster on this machine, runs the bench against it
  (``--ray`` alone reads ``$RAY_ADDRESS``) and stops it. The CPU of the cluster's
  own processes during each Ray run (GCS, raylets, log monitors, agents, the
  workers; sampled from /proc, ``RayCPU``) is printed by role, with the workers'
  niceness, when ``$NP_RAY_NODE_PIDS`` names the nodes (that script sets it);
- with ``--old-cluster ADDRESS`` too: the Ray runs again on a second cluster (one
  started with other settings, such as Ray's default worker niceness), alternating;
  its token in ``$NP_RAY_OLD_TOKEN``, its nodes in ``$NP_RAY_OLD_NODE_PIDS``. With
  ``--old SRC`` as well, those runs' driver imports SRC too: start that cluster with
  ``PYTHONPATH=SRC`` so its workers do, and the Ray engine is timed old against new.

The project's sources (and ``--old``'s) are byte-compiled before the first run, as
``pip install`` compiles them: where ``PYTHONDONTWRITEBYTECODE`` is set (it is in
this project's sandbox), every process, each Ray worker included, compiled every
module it imported from source, a cost no installed copy pays.

Every run also prints what the rest of the machine took while it ran (all
CPU busy time from /proc/stat, less the run's own): a slow round with a busy
machine is the machine's.

The runs alternate, ``--repeat`` rounds, so a change in the machine's load hits
every configuration alike; the load average is printed with each run. The
machine this was written on is shared (2 cores, several people): an efficiency
measured while the other core was busy says nothing, and the figures say so
when the load average was above ``QUIET`` during a run.

    python bench/bench_workers.py [--corpus polnear-dev] [--n N] [--workers 1,2,default]
                                [--repeat 2] [--ray ADDRESS] [--bare-no-huge-pages]
                                [--old SRC [--old-workers default]] [--old-cluster ADDRESS] [--json]

Corpora, read at run time from ../shared/eval (never copied): ``polnear-dev``
(84 US political articles of about 900 tokens, the issue's reference),
``polnear`` (PolNeAR train, first ``--n``), ``neus`` (NeuS train excerpts, short,
first ``--n``; many small stories).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "eval"
QUIET = 2.5  # load average (2 cores) above which a speed-up figure is not to be trusted

BARE = """
import sys, time, json
t0 = time.perf_counter(); c0 = time.process_time()
from newsprism.nlp import DEFAULT_MODEL
if "no-huge-pages" in sys.argv[2:]:
    from newsprism.nlp import no_huge_pages
    no_huge_pages()
if "no-torch" in sys.argv[2:]:
    from newsprism.nlp import import_spacy
    spacy = import_spacy()
else:
    import spacy
nlp = spacy.load(DEFAULT_MODEL)
if "quick-rules" in sys.argv[2:]:
    from newsprism.spacy_rules import speed_up
    speed_up(nlp)
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
t1 = time.perf_counter(); c1 = time.process_time()
n = sum(len(d) for d in nlp.pipe(texts, batch_size=32))
print(json.dumps({"tokens": n, "parse_wall": time.perf_counter() - t1, "parse_cpu": time.process_time() - c1,
                  "load_wall": t1 - t0}))
"""


def corpus(name: str, n: int | None, out: Path) -> int:
    path = {
        "polnear-dev": SHARED / "polnear" / "dev_articles.jsonl",
        "polnear": SHARED / "polnear" / "train_articles.jsonl",
        "neus": SHARED / "neus" / "train_articles.jsonl",
    }[name]
    rows = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r.get("text"):
                rows.append(line if line.endswith("\n") else line + "\n")
            if n is not None and len(rows) >= n:
                break
    out.write_text("".join(rows), encoding="utf-8")
    return len(rows)


def _adopt_orphans() -> None:
    """Become the subreaper of what the runs leave behind (Linux): analyze's workers are
    forked by a fork server that outlives the command by a moment and is never waited
    for, so their CPU reached no ``RUSAGE_CHILDREN``; adopted here and reaped
    (``_reap_orphans``), it counts."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def _byte_compile(roots: list[Path]) -> None:
    """The modules under ``roots`` compiled to their ``__pycache__``, as an installed package is
    (Python still reads bytecode it may not write), so no timed run compiles them."""
    import compileall

    for root in roots:
        if not compileall.compile_dir(str(root), quiet=1, workers=1):
            raise SystemExit(f"cannot byte-compile {root}")


def _reap_orphans(patience: float = 10.0) -> None:
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.02)


TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _busy() -> float:
    """CPU seconds the whole machine has spent busy (every core; /proc/stat), or 0 off Linux."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return 0.0
    return (sum(fields[:8]) - fields[3] - fields[4]) / TICK  # all but idle and iowait; guest is in user


def _stat(pid: str) -> tuple[int, float, int] | None:
    """(parent pid, CPU seconds, niceness) of a process, from /proc/PID/stat."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            rest = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(rest[1]), (int(rest[11]) + int(rest[12])) / TICK, int(rest[16])


def _cmdline(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return None
    return cmd or None  # None: it has ended (a zombie's command line is empty)


def _role(cmd: str) -> str:
    """What a process of a Ray node is, from its command line."""
    for key, role in (("gcs_server", "gcs"), ("raylet/raylet", "raylet"), ("log_monitor", "log monitor"),
                      ("DashboardAgent", "agents"), ("RuntimeEnvAgent", "agents"), ("dashboard.py", "agents"),
                      ("monitor.py", "agents"), ("default_worker.py", "workers"), ("ray::", "workers")):
        if key in cmd:
            return role
    return "other"


class RayCPU:
    """The CPU of a Ray cluster's processes (the descendants of ``roots``, the nodes'
    ``ray start --block`` processes), by role, over one run: sampled from /proc every
    ``PERIOD`` seconds in a thread, since a run's workers start and end with it (a
    worker's last ``PERIOD`` of CPU may be missed). Also each worker's niceness: Ray
    lowers its workers' priority by ``worker_niceness``."""

    PERIOD = 0.2

    def __init__(self, roots: list[int]) -> None:
        self.roots = set(roots)
        self.start: dict[int, float] = {}  # CPU at the run's start (0 for a process born during it)
        self.last: dict[int, float] = {}
        self.roles: dict[int, str] = {}
        self.nice: dict[int, int] = {}
        self.titles: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _sample(self, first: bool = False) -> None:
        stats = {int(p): s for p in os.listdir("/proc") if p.isdigit() and (s := _stat(p)) is not None}
        tree, grown = set(self.roots), True
        while grown:
            new = {pid for pid, s in stats.items() if s[0] in tree and pid not in tree}
            tree |= new
            grown = bool(new)
        for pid in tree - self.roots:
            if pid not in stats:
                continue
            _, cpu, nice = stats[pid]
            if pid not in self.start:
                self.start[pid] = cpu if first else 0.0
            self.last[pid] = cpu
            self.nice[pid] = nice
            cmd = _cmdline(pid)  # a worker's changes as it starts, and with each task (ray::NAME)
            if cmd is not None:
                self.roles[pid] = _role(cmd)
                self.titles[pid] = cmd[:40]
            self.roles.setdefault(pid, "other")

    def _loop(self) -> None:
        while not self._stop.wait(self.PERIOD):
            self._sample()

    def __enter__(self) -> "RayCPU":
        self._sample(first=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def result(self) -> dict:
        by: Counter[str] = Counter()
        for pid, role in self.roles.items():
            by[role] += self.last[pid] - self.start[pid]
        workers = [pid for pid, role in self.roles.items() if role == "workers" and self.last[pid] > self.start[pid]]
        return {"cpu_by_role": {k: round(v, 2) for k, v in sorted(by.items())},
                "workers": len(workers),
                "worker_cpu": [[round(self.last[p] - self.start[p], 2), self.titles.get(p, "?")] for p in sorted(workers)],
                "others_by_title": {self.titles.get(p, "?"): round(self.last[p] - self.start[p], 2)
                                    for p, role in self.roles.items() if role == "other" and self.last[p] > self.start[p]},
                "worker_nice": sorted({self.nice[p] for p in workers})}


def timed(cmd: list[str], env: dict[str, str] | None = None, ray_roots: list[int] | None = None) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    busy = _busy()
    with RayCPU(ray_roots) if ray_roots else nullcontext() as sampler:
        t = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
        wall = time.perf_counter() - t
    busy = _busy() - busy
    _reap_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    run = {"wall": wall, "cpu": cpu, "load": round(max(load, os.getloadavg()[0]), 2), "stdout": proc.stdout}
    ours = cpu
    if sampler:
        run["ray"] = sampler.result()
        ours += sum(run["ray"]["cpu_by_role"].values())
    if busy:  # what the rest of the machine took while this ran (the bench's own sampling included)
        run["machine_busy"] = round(busy, 2)
        run["others_cpu"] = round(busy - ours, 2)
    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default="polnear-dev", choices=("polnear-dev", "polnear", "neus"))
    ap.add_argument("--n", type=int, default=None, help="first N articles of the corpus")
    ap.add_argument("--workers", default="1,2,default", help="comma-separated: numbers, or default (one per core)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--ray", metavar="ADDRESS", nargs="?", const=os.environ.get("RAY_ADDRESS"),
                    help="also run --engine ray against this cluster (default: $RAY_ADDRESS), 1 and 2 tasks at once")
    ap.add_argument("--bare-no-huge-pages", action="store_true",
                    help="also the bare parse with transparent huge pages off, as analyze parses (nlp.no_huge_pages)")
    ap.add_argument("--bare-quick-rules", action="store_true",
                    help="also the bare parse as analyze loads it and with its faster rule components (spacy_rules)")
    ap.add_argument("--old", metavar="SRC", help="also the analyze runs with PYTHONPATH=SRC (another commit's src)")
    ap.add_argument("--old-workers", metavar="LIST", help="with --old: only these of --workers (default: all)")
    ap.add_argument("--old-ray", action="store_true",
                    help="with --old and --ray: the Ray runs too with the old src, in the driver (the cluster's "
                         "workers import what the cluster's environment holds)")
    ap.add_argument("--old-cluster", metavar="ADDRESS",
                    help="with --ray: the Ray runs too on this second cluster (one started with other settings), "
                         "its token in $NP_RAY_OLD_TOKEN and its nodes in $NP_RAY_OLD_NODE_PIDS; with --old, "
                         "its runs' driver imports the old src too (start that cluster with PYTHONPATH=SRC)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not SHARED.exists():
        raise SystemExit(f"{SHARED} not found: the benchmark reads ../shared/eval")
    _adopt_orphans()
    _byte_compile([ROOT / "src", *([Path(args.old)] if args.old else [])])
    python = sys.executable
    newsprism = [python, "-m", "newsprism", "analyze"]
    with tempfile.TemporaryDirectory(prefix="np-bench-scale-") as tmp:
        texts = Path(tmp) / "articles.jsonl"
        n_articles = corpus(args.corpus, args.n, texts)
        configs: dict[str, list[str]] = {"bare": [python, "-c", BARE, str(texts)]}
        if args.bare_no_huge_pages:
            configs["bare, no huge pages"] = [python, "-c", BARE, str(texts), "no-huge-pages"]
            configs["bare, as analyze loads it"] = [python, "-c", BARE, str(texts), "no-huge-pages", "no-torch"]
        if args.bare_quick_rules:
            configs["bare, as analyze loads and runs it"] = [
                python, "-c", BARE, str(texts), "no-huge-pages", "no-torch", "quick-rules"]
        envs: dict[str, dict[str, str]] = {}
        for w in args.workers.split(","):
            extra = [] if w == "default" else ["--workers", w]
            configs[f"analyze workers={w}"] = [*newsprism, str(texts), "-q", "-f", "json", *extra, "-o", f"{tmp}/out-{w}.json"]
            if args.old and (args.old_workers is None or w in args.old_workers.split(",")):
                configs[f"old analyze workers={w}"] = [
                    *newsprism, str(texts), "-q", "-f", "json", *extra, "-o", f"{tmp}/out-old-{w}.json"]
                envs[f"old analyze workers={w}"] = {**os.environ, "PYTHONPATH": str(Path(args.old).resolve())}
        if args.ray:
            for w in ("1", "2"):
                configs[f"ray workers={w}"] = [
                    *newsprism, str(texts), "-q", "-f", "json", "--engine", "ray", "--address", args.ray,
                    "--workers", w, "-o", f"{tmp}/out-ray-{w}.json",
                ]
                if args.old and args.old_ray:
                    configs[f"old ray workers={w}"] = [
                        *configs[f"ray workers={w}"][:-1], f"{tmp}/out-old-ray-{w}.json"]
                    envs[f"old ray workers={w}"] = {**os.environ, "PYTHONPATH": str(Path(args.old).resolve())}
                if args.old_cluster:
                    configs[f"old cluster ray workers={w}"] = [
                        *newsprism, str(texts), "-q", "-f", "json", "--engine", "ray", "--address", args.old_cluster,
                        "--workers", w, "-o", f"{tmp}/out-old-cluster-ray-{w}.json"]
                    envs[f"old cluster ray workers={w}"] = {
                        **os.environ, "RAY_AUTH_TOKEN": os.environ.get("NP_RAY_OLD_TOKEN", ""),
                        **({"PYTHONPATH": str(Path(args.old).resolve())} if args.old else {})}
        # The nodes' `ray start --block` processes (scripts/ray_cluster_check.sh names them): their
        # descendants are the cluster's processes, whose CPU each Ray run is charged with.
        ray_roots = [int(p) for p in os.environ.get("NP_RAY_NODE_PIDS", "").split()] if args.ray else []
        old_roots = [int(p) for p in os.environ.get("NP_RAY_OLD_NODE_PIDS", "").split()] if args.old_cluster else []
        runs: dict[str, list[dict]] = {k: [] for k in configs}
        for r in range(args.repeat):
            for name, cmd in configs.items():
                roots = old_roots if name.startswith("old cluster") else ray_roots if "ray" in name else None
                run = timed(cmd, envs.get(name), roots)
                if "-o" in cmd:  # every run's JSON, not only the last round's (the runs reuse their files)
                    run["output_sha256"] = hashlib.sha256(Path(cmd[cmd.index("-o") + 1]).read_bytes()).hexdigest()
                runs[name].append(run)
                ray = run.get("ray")
                print(f"round {r + 1} {name}: wall {run['wall']:.1f} s, cpu {run['cpu']:.1f} s"
                      + (f" (the driver), the cluster {ray['cpu_by_role']}, {ray['workers']} workers"
                         f" {ray['worker_cpu']} at nice {ray['worker_nice']}" if ray else "")
                      + (f", the rest of the machine {run['others_cpu']:.1f} s" if "others_cpu" in run else "")
                      + f", load {run['load']}", file=sys.stderr, flush=True)
    outputs = {r["output_sha256"] for rs in runs.values() for r in rs if "output_sha256" in r}
    same = len(outputs) == 1
    bare_inside = [json.loads(r["stdout"]) for r in runs["bare"]]
    plain_inside = [json.loads(r["stdout"]) for r in runs.get("bare, no huge pages", [])]

    def med(name: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[name])

    result: dict = {
        "corpus": args.corpus,
        "articles": n_articles,
        "tokens": bare_inside[0]["tokens"],
        "cores": os.cpu_count(),
        "repeat": args.repeat,
        "outputs_identical": same,
        "output_sha256": sorted(outputs),
        "load_average_max": max(r["load"] for rs in runs.values() for r in rs),
        "runs": {k: [{"wall": round(r["wall"], 2), "cpu": round(r["cpu"], 2), "load": r["load"],
                      **{key: r[key] for key in ("ray", "machine_busy", "others_cpu") if key in r}} for r in rs]
                 for k, rs in runs.items()},
        "bare_parse_alone": {"wall": round(statistics.median(b["parse_wall"] for b in bare_inside), 2),
                             "cpu": round(statistics.median(b["parse_cpu"] for b in bare_inside), 2)},
    }
    ratios: dict = {}
    if plain_inside:
        result["bare_no_huge_pages_parse_alone"] = {
            "wall": round(statistics.median(b["parse_wall"] for b in plain_inside), 2),
            "cpu": round(statistics.median(b["parse_cpu"] for b in plain_inside), 2)}
    for name in configs:
        if name == "bare":
            continue
        if name.startswith("bare"):
            ratios[name] = {"wall_vs_bare": round(med(name, "wall") / med("bare", "wall"), 3),
                            "cpu_vs_bare": round(med(name, "cpu") / med("bare", "cpu"), 3),
                            "articles_per_s": round(n_articles / med(name, "wall"), 2)}
            continue
        ratios[name] = {
            "wall_vs_bare": round(med(name, "wall") / med("bare", "wall"), 3),
            "articles_per_s": round(n_articles / med(name, "wall"), 2),
        }
        if plain_inside:
            ratios[name]["wall_vs_bare_no_huge_pages"] = round(med(name, "wall") / med("bare, no huge pages", "wall"), 3)
            ratios[name]["wall_vs_bare_as_analyze"] = round(med(name, "wall") / med("bare, as analyze loads it", "wall"), 3)
        if "bare, as analyze loads and runs it" in runs:
            ratios[name]["wall_vs_bare_as_analyze_runs"] = round(
                med(name, "wall") / med("bare, as analyze loads and runs it", "wall"), 3)
        if "ray" in name and all("ray" in r for r in runs[name]):
            ratios[name]["cpu_ms_per_article_with_the_cluster"] = round(1000 * statistics.median(
                r["cpu"] + sum(r["ray"]["cpu_by_role"].values()) for r in runs[name]) / n_articles, 1)
        if "ray" not in name:
            ratios[name]["cpu_vs_bare"] = round(med(name, "cpu") / med("bare", "cpu"), 3)
            ratios[name]["cpu_ms_per_article"] = round(1000 * med(name, "cpu") / n_articles, 1)
    for prefix in ("analyze", "old analyze", "ray", "old ray", "old cluster ray"):
        one, two = f"{prefix} workers=1", f"{prefix} workers=2"
        if two not in runs and os.cpu_count() == 2:
            two = f"{prefix} workers=default"  # one per core: two here
        if one in runs and two in runs:
            ratios[f"{prefix} efficiency 1->2"] = round(med(one, "wall") / (2 * med(two, "wall")), 3)
            ratios[f"{prefix} efficiency 1->2 by round"] = [
                round(a["wall"] / (2 * b["wall"]), 3) for a, b in zip(runs[one], runs[two], strict=True)]
    result["ratios"] = ratios
    # Each round's ratios against the bare parses of the same round: a median can pass where rounds do not.
    result["per_round"] = {
        name: {ref: [round(r["wall"] / b["wall"], 3) for r, b in zip(runs[name], runs[ref], strict=True)]
               for ref in configs if ref.startswith("bare")}
        for name in configs if not name.startswith("bare")}
    result["trustworthy"] = result["load_average_max"] <= QUIET
    if args.json:
        print(json.dumps(result))
        return
    print(f"{n_articles} articles ({result['tokens']:,} tokens), {args.repeat} alternating rounds, "
          f"outputs identical: {same}, load average up to {result['load_average_max']}"
          + ("" if result["trustworthy"] else f" (above {QUIET}: the other core was busy; speed-ups not to be trusted)"))
    print(f"bare parse: wall {med('bare', 'wall'):.1f} s, cpu {med('bare', 'cpu'):.1f} s "
          f"(the parse alone {result['bare_parse_alone']['cpu']:.1f} s cpu)")
    for name, r in ratios.items():
        if isinstance(r, dict):
            cpu = f", cpu {med(name, 'cpu'):.1f} s = {r['cpu_vs_bare']}x bare" if "cpu_vs_bare" in r else ""
            plain = (f" ({r['wall_vs_bare_no_huge_pages']}x the bare parse without huge pages, "
                     f"{r['wall_vs_bare_as_analyze']}x spaCy loaded as analyze loads it)"
                     if "wall_vs_bare_no_huge_pages" in r else "")
            print(f"{name}: wall {med(name, 'wall'):.1f} s = {r['wall_vs_bare']}x bare{plain}, "
                  f"{r['articles_per_s']} articles/s{cpu}")
        else:
            print(f"{name}: {r}")


if __name__ == "__main__":
    main()
