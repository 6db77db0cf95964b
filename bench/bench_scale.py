"""Does a command's cost grow with its input, and no faster? (issue 25)

Runs a command as a user would, as a subprocess, on a generated corpus at two sizes
and prints wall time, CPU time (the command's and its worker processes') and peak
memory at each, and the ratios between the sizes. Two corpora, written to a
temporary folder, from invented words (no real text):

- ``stories``: small files (a headline and three short paragraphs), one to four
  articles per story, each story with its own invented names and figures, so the
  number of stories grows with the corpus;
- ``templated``: articles from five templates (a weather bulletin, a share-price
  note, a match result, a lottery draw, a traffic alert) that differ in a few words,
  so they collapse into five huge stories.

    python bench/bench_scale.py --command analyze --corpus stories --sizes 2000 20000
    python bench/bench_scale.py --command cluster --corpus templated --sizes 2000 20000

Extra arguments after ``--`` go to the command (``-- --workers 0``). On this shared
machine, read the CPU ratio before the wall-clock one.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SYLLABLES = ["ka", "lo", "mer", "den", "vis", "tor", "an", "bel", "cro", "dun", "fen", "gal", "hol", "ist", "jor",
             "kel", "lim", "mon", "nor", "pel", "quin", "ros", "sal", "tam", "ul", "var", "wes", "yor", "zan"]
THINGS = ["dam", "ferry", "bridge", "school", "hospital", "mine", "port", "railway", "library", "market", "factory",
          "stadium", "airport", "prison", "museum", "power plant", "reservoir", "tunnel"]
EVENTS = ["reopened", "closed", "was inspected", "flooded", "was sold", "was repaired", "caught fire", "went on strike"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
TEMPLATES = [
    "Weather bulletin for {p}\n\nThe national weather service issued a {a} warning for {p} on {d}. Temperatures will "
    "reach {x} degrees and winds of {y} km/h are expected. Residents are advised to stay indoors and to follow the "
    "instructions of local authorities.\n",
    "{p} shares {a}\n\nShares of {p} Holdings moved {x} percent on {d} after the company reported quarterly revenue "
    "of {y} million. Analysts said the results were in line with expectations, and the company kept its forecast.\n",
    "{p} beat rivals {x}-{y}\n\n{p} United beat their rivals {x}-{y} on {d} in a {a} match at the home ground. The "
    "coach said the team had played well and would prepare for the next game in the league next week.\n",
    "Lottery draw {x}\n\nThe winning numbers of draw {x} on {d} were {y}, {x}, {a} and {p}. One ticket sold in the "
    "region matched all numbers, the lottery operator said in a statement on its website.\n",
    "Traffic alert on route {x}\n\nRoute {x} near {p} was closed on {d} after a {a} accident involving {y} vehicles. "
    "Police asked drivers to avoid the area and said the road would reopen later in the day.\n",
]
FILLS = ["severe", "mild", "sharp", "minor", "major", "late", "early", "heavy", "light", "rare"]


def write_stories(n: int, out: Path, rng: random.Random) -> None:
    def name() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()

    i = 0
    while i < n:
        place, thing, event = name(), rng.choice(THINGS), rng.choice(EVENTS)
        who = f"{rng.choice(['Mayor', 'Inspector', 'Minister', 'Chief', 'Dr.'])} {name()} {name()}"
        figure = rng.randint(2, 90000)
        for _ in range(min(rng.randint(1, 4), n - i)):
            text = (
                f"{place} {thing} {event}\n\nThe {place} {thing} {event} on {rng.choice(DAYS)}, officials in {place} said.\n\n"
                f'"We are doing everything we can," said {who}. About {figure} '
                f"{rng.choice(['residents', 'workers', 'traders'])} were affected, according to the {name()} council.\n\n"
                f"The {thing} in {place} had been under review since {rng.randint(1990, 2023)}.\n"
            )
            (out / f"a{i:06d}.txt").write_text(text)
            i += 1


def write_templated(n: int, out: Path, rng: random.Random) -> None:
    places = [w.capitalize() for w in SYLLABLES[:12]]
    for i in range(n):
        text = TEMPLATES[i % len(TEMPLATES)].format(
            p=rng.choice(places), a=rng.choice(FILLS), d=rng.choice(DAYS), x=rng.randint(1, 99), y=rng.randint(1, 999)
        )
        (out / f"t{i:06d}.txt").write_text(text)


def run(command: list[str]) -> dict[str, float]:
    """Wall and CPU seconds of one run (its worker processes' too), and the peak RSS of the
    largest of its processes: wait4 gives the run's own resource use, not the bench's."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            err.seek(0)
            sys.exit(f"{' '.join(command)} exited {proc.returncode}: {err.read()[-2000:].decode(errors='replace')}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--command", choices=["analyze", "cluster"], default="analyze")
    parser.add_argument("--corpus", choices=["stories", "templated"], default="stories")
    parser.add_argument("--sizes", type=int, nargs=2, default=[2000, 20000])
    parser.add_argument("extra", nargs="*", help="after --: arguments for the command")
    args = parser.parse_args()
    write = write_stories if args.corpus == "stories" else write_templated
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        for n in args.sizes:
            folder = Path(tmp) / f"{args.corpus}-{n}"
            folder.mkdir()
            write(n, folder, random.Random(7))
            command = [sys.executable, "-m", "newsprism", args.command, str(folder), "-q", "-f", "json", *args.extra]
            result = run(command)
            rows.append((n, result))
            print(f"{args.command} {args.corpus} {n:>7,}: wall {result['wall']:8.1f} s ({n / result['wall']:6.0f}/s), "
                  f"CPU {result['cpu']:8.1f} s ({1000 * result['cpu'] / n:6.2f} ms/article), "
                  f"peak RSS {result['rss_mb']:6.0f} MB", flush=True)
    (n1, a), (n2, b) = rows
    print(f"{n2 / n1:g}x the articles: wall {b['wall'] / a['wall']:.1f}x, CPU {b['cpu'] / a['cpu']:.1f}x, "
          f"peak RSS {b['rss_mb'] / a['rss_mb']:.1f}x (load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
