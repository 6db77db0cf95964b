"""An incremental index of article copies: MinHash LSH finds candidates, a
containment check on sampled shingles confirms them.

Jaccard alone misses the commonest syndicated copy, a trimmed one (half the
original's text has a Jaccard of 0.5), so LSH is set low only to propose
candidates and the decision is made on containment: the share of the smaller
text's shingles that the larger one also prints.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from newsprism.arrays import decode, encode
from newsprism.dedup.minhash import BandIndex, permutations, signatures
from newsprism.dedup.prints import CREDITS, FORGOTTEN, NONE, SAMPLED, PrintStore
from newsprism.dedup.shingles import body_text, overlaps, sample_sets, shingle_sets
from newsprism.model import Article, day_of

if TYPE_CHECKING:
    import numpy as np

NUM_PERM = 32
# 16 bands of 2 values propose a pair at Jaccard 0.2 about half the time and
# at 0.5 almost always (the banding datasketch chose for a 0.2 threshold);
# containment decides.
LSH_BANDS = 16
CONTAINMENT = 0.6  # a copy keeps at least this share of its (sampled) shingles
FULL_SLACK = 0.1
# Sampled shingles two copies must share (about 4 x 4 = 16 shingles, some 20
# words running): a shared byline, wire dateline or republication note is not
# a copy, however short the texts around it.
MIN_SHARED = 4
# The candidates one band value proposes: its latest articles. Near-identical articles (a
# template, a wire story printed everywhere) share band values, and each checked every
# earlier one; an article copies at least one of the latest of its kind, if it copies any.
LATEST_PER_BAND = 32
# Containment is checked on at most this many candidates, those that share the
# most bands (then the latest). Each band value already gives only its latest,
# but an article with many earlier variants (one report rewritten again and
# again) met more of them in more bands as the corpus grew: at 120,000
# articles of the bench corpus copy detection cost twice its cost at 50,000.
# A copy shares most bands (an exact one all 16, one trimmed to half about 4);
# a variant that is no copy seldom more than one.
MOST_CHECKED = 64
_SEED = 1
NO_DAY = -(2**31)  # an article without a publication day (as ``cluster.index``)


class Fingerprints(NamedTuple):
    """What copy detection reads of a batch of article bodies: text k's sorted
    shingle hashes (uint32, sampled for long texts: ``sampled[k]``) are
    ``shingles[bounds[k]:bounds[k + 1]]`` (``of(k)``), and ``minhash[k]`` is
    its MinHash (uint32[NUM_PERM]) over all its shingles."""

    shingles: "np.ndarray"
    bounds: "np.ndarray"
    sampled: "np.ndarray"
    minhash: "np.ndarray"

    def of(self, k: int) -> "np.ndarray":
        return self.shingles[self.bounds[k] : self.bounds[k + 1]]


def fingerprints(bodies: Sequence[str]) -> Fingerprints:
    """The fingerprints of articles' body texts (``body_text``), a batch at a time: a pure function."""
    hashes, bounds = shingle_sets(bodies)
    minhashes = signatures(hashes, bounds, permutations(NUM_PERM, _SEED))
    kept, kept_bounds, sampled = sample_sets(hashes, bounds)
    return Fingerprints(kept, kept_bounds, sampled, minhashes)


class CopyIndex:
    """Copies among all articles added so far, in any order and any batches.

    Copies form groups (union-find over arrival numbers); each group's
    original is its best-ranked member (see ``_original``), so the answer for
    an article can change when its true original arrives later. What it
    knows of each article is in its storage (``prints.PrintStore``).
    """

    def __init__(self, containment_threshold: float = CONTAINMENT) -> None:
        self.containment_threshold = containment_threshold
        self._prints = PrintStore()  # every arrival, forgotten ones too: the LSH keeps arrival numbers
        self._parent = array("i")  # by arrival number
        self._members: dict[int, array[int]] = {}  # root -> its group, for groups of 2+
        self._originals: dict[int, int] = {}  # root -> its group's original, until the group grows
        self._lsh = BandIndex(LSH_BANDS, most_recent=LATEST_PER_BAND)
        self.copies_forgotten = 0  # copies in the groups ``forget`` let go of (not saved)
        # Forgetting (``forget_window``): (days, arrivals), None: never; the newest day
        # taken in (ordinal, NO_DAY: none), and the clock of the last look.
        self.window: tuple[int, int] | None = None
        self._newest = NO_DAY
        self._forgot_to = (0, NO_DAY)
        self._tomorrow = _tomorrow()

    # ------------------------------------------------------------ building

    def add(self, articles: Iterable[Article]) -> list[str | None]:
        """Add articles; returns, for each, the earlier article it was found to
        copy (None: no copy, or an id added before, which is skipped)."""
        articles = list(articles)
        self._tomorrow = _tomorrow()
        seen: set[str] = set()
        fresh = []  # ids are unique in a corpus: a repeat is the same article
        for k, a in enumerate(articles):
            if a.id not in seen and self._prints.place(a.id) is None:
                fresh.append(k)
            seen.add(a.id)
        taken = [articles[k] for k in fresh]
        prints = fingerprints([body_text(a) for a in taken])
        first = self._take(
            [a.id for a in taken], prints.shingles, prints.bounds, prints.minhash, [SAMPLED * bool(s) for s in prints.sampled],
            [a.published for a in taken], [a.outlet_id for a in taken], [bool(a.syndicated_from) for a in taken],
        )
        # The batch is looked up in the LSH's runs at once; each article then in
        # what came since (the batch's own earlier articles too), as it is taken in.
        self._lsh.flush()
        earlier = self._lsh.hits_many(prints.minhash) if taken else []
        found: list[str | None] = [None] * len(articles)
        for n, (k, near) in enumerate(zip(fresh, earlier, strict=True)):
            found[k] = self._insert(first + n, near)
        self.forget_window()
        return found

    def _take(
        self, ids: list[str], shingles: "np.ndarray", bounds: "np.ndarray", minhashes: "np.ndarray", flags: list[int],
        published: list[str | None], outlets: list[str | None], credits: list[bool],
    ) -> int:
        """Store articles (not yet looked up nor in the LSH); returns the first one's number."""
        first = len(self._prints)
        self._prints.add(
            ids, shingles, bounds, minhashes, [f | CREDITS * c for f, c in zip(flags, credits, strict=True)], published,
            outlets, [_day(p) for p in published],
        )
        self._parent.extend(range(first, first + len(ids)))
        return first

    def _insert(self, seq: int, near: dict[int, int]) -> str | None:
        """Look article ``seq`` (stored) up and take it into the LSH; ``near``, what
        ``BandIndex.hits_many`` found of it in the LSH's runs. Returns the id of the
        earlier article it was found to copy."""
        prints = self._prints
        day = prints.days[seq]
        if NO_DAY < day <= self._tomorrow:  # a day past tomorrow (a wrong date) would forget everything
            self._newest = max(self._newest, day)
        if not prints.n_shingles(seq):
            return None
        minhash = prints.minhash(seq)
        hits = dict(near)
        for key, n in self._lsh.hits_recent(minhash).items():  # the few that came since
            hits[key] = hits.get(key, 0) + n
        match = self._closest(seq, _most_shared(hits, MOST_CHECKED))
        self._lsh.insert(seq, minhash)
        if match is None:
            return None
        prints.match[seq] = match
        self._union(seq, match)
        return prints.ids[match]

    def _closest(self, seq: int, near: Iterable[int]) -> int | None:
        """The earlier article that article ``seq`` copies most closely, if any, of those the LSH proposed (by number)."""
        prints = self._prints
        best, best_share = None, 0.0
        # In arrival order, so that of equal matches the earliest wins, in every process.
        cands = sorted(near)
        mine, mine_sampled = prints.shingles(seq), bool(prints.flags[seq] & SAMPLED)
        theirs = [(prints.shingles(k), bool(prints.flags[k] & SAMPLED)) for k in cands]
        shared_all, share_all = overlaps(mine, mine_sampled, theirs)
        for k, (o_shingles, o_sampled), shared, share in zip(cands, theirs, shared_all.tolist(), share_all.tolist()):
            identical = not mine_sampled and not o_sampled and share == 1.0 and len(mine) == len(o_shingles)
            if (identical or (shared >= MIN_SHARED and share >= self.containment_threshold)) and share > best_share:
                best, best_share = k, share
        # The one closest match only: an article that holds pieces of several
        # others (a roundup) must not chain their groups together.
        return best

    def forget_window(self) -> None:
        """Forget the articles out of the ``window`` (days, arrivals): dated more than
        its days before the newest article taken in and older than its latest
        arrivals, the clusterer's own rule (``ClusterConfig.hot_window``), so a
        story it spills has lost its articles here too. The clock moves only with
        the articles taken in, so the same batches forget alike wherever this
        index runs (ahead of a worker's search, or not). Looked over when the
        clock has moved by a twentieth of the arrivals or by a day."""
        import numpy as np

        if self.window is None:
            return
        days, arrivals = self.window
        hot_from = max(0, len(self._prints) - arrivals)
        horizon = NO_DAY if self._newest == NO_DAY else self._newest - days
        last_from, last_horizon = self._forgot_to
        if not hot_from or (hot_from - last_from < max(1, arrivals // 20) and horizon <= last_horizon):
            return
        held = np.frombuffer(self._prints.days, dtype=np.int32)[:hot_from]
        gone = np.flatnonzero(held < horizon)
        gone = gone[(gone >= last_from) | (held[gone] >= last_horizon)]  # only the newly forgotten
        del held
        self._forgot_to = (hot_from, horizon)
        self._forget(gone.tolist())

    def _forget(self, seqs: Iterable[int]) -> None:
        """Forget articles (by arrival number) that no new one should be matched with
        any more (``forget_window``: long out of the clusterer's window): no
        later article is found to copy them, and an article in no group of
        copies leaves memory with its fingerprints. A group stays whole while
        any member is still remembered, since a new copy of that member joins
        the group and its original is chosen again from every member's
        fingerprints; once all are forgotten the group can change no more,
        and it leaves memory too. What was found before stays on the articles
        (``duplicate_of``) and in a database (``segment``), not here."""
        import numpy as np

        prints = self._prints
        in_lsh, sigs, groups = [], [], set()
        for k in seqs:
            if not prints.held(k) or prints.flags[k] & FORGOTTEN or prints.ids.place(prints.ids[k]) != k:
                continue  # let go already, or an earlier arrival of an id taken in again
            prints.flags[k] |= FORGOTTEN
            if prints.n_shingles(k):
                in_lsh.append(k)
                sigs.append(prints.minhash(k))
            root = self._find(k)
            if root in self._members:
                groups.add(root)
            else:
                prints.drop(k)
        if in_lsh:
            self._lsh.drop(in_lsh, np.stack(sigs))
        for root in groups:
            members = self._members[root]
            if all(prints.flags[m] & FORGOTTEN for m in members):
                for m in members:
                    prints.drop(m)
                self.copies_forgotten += len(members) - 1
                del self._members[root]
                self._originals.pop(root, None)

    def held(self) -> dict[str, int]:
        """What the index holds: articles, articles in the LSH, groups (see ``forget``)."""
        return {"articles": self._prints.n_held, "lsh_keys": self._lsh.n_keys, "groups": len(self._members)}

    # ------------------------------------------------------------ answers

    def original_of(self, article_id: str) -> str | None:
        """The id of the article this one copies, or None if it is an original."""
        seq = self._prints.place(article_id)
        if seq is None:
            return None
        root = self._find(seq)
        best = self._originals.get(root)
        if best is None:
            best = self._original(self._members.get(root, [seq]))
            self._originals[root] = best
        return None if best == seq else self._prints.ids[best]

    def groups(self) -> list[list[str]]:
        """Every group of two or more copies, members in arrival order."""
        return self._named(self._members.values())

    def groups_of(self, ids: Iterable[str]) -> list[list[str]]:
        """The groups of two or more copies that hold any of ``ids``, as ``groups`` lists them."""
        roots = {self._find(k) for k in map(self._prints.place, ids) if k is not None}
        return self._named(self._members[r] for r in roots if r in self._members)

    def _named(self, groups: Iterable[Sequence[int]]) -> list[list[str]]:
        ids = self._prints.ids
        return [[ids[k] for k in g] for g in sorted(sorted(g) for g in groups)]

    def same_outlet(self, a: str, b: str) -> bool:
        prints = self._prints
        oa, ob = prints.outlet(_held(prints, a)), prints.outlet(_held(prints, b))
        return oa is not None and oa == ob

    def __contains__(self, article_id: object) -> bool:
        return isinstance(article_id, str) and self._prints.place(article_id) is not None

    def __len__(self) -> int:
        """Articles taken in, forgotten ones too (the arrival numbers ``segment`` counts)."""
        return len(self._prints)

    # ------------------------------------------------------------ persistence

    def to_dict(self) -> dict[str, Any]:
        prints = self._prints
        held = [k for k in range(len(prints)) if prints.held(k)]
        return {
            "containment_threshold": self.containment_threshold,
            "articles": {prints.ids[k]: self._entry(k) for k in held},
            "parent": {prints.ids[k]: prints.ids[self._parent[k]] for k in held},
        }

    def _entry(self, k: int) -> dict[str, Any]:
        """Article k as a state saves it."""
        prints = self._prints
        flags, match = prints.flags[k], prints.match[k]
        return {
            "id": prints.ids[k],
            "seq": k,
            "shingles": encode(prints.shingles(k), "uint32"),
            "sampled": bool(flags & SAMPLED),
            "minhash": encode(prints.minhash(k), "uint32"),
            "published": prints.published(k),
            "outlet_id": prints.outlet(k),
            "credits_other": bool(flags & CREDITS),
            "match": None if match == NONE else prints.ids[match],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "CopyIndex":
        import numpy as np

        index = cls(d["containment_threshold"])
        # Numbered as they arrived, whatever numbers a state gave them.
        rows = sorted(d["articles"].values(), key=lambda e: e["seq"])
        shingles = [decode(e["shingles"], "uint32") for e in rows]
        minhash = np.stack([decode(e["minhash"], "uint32") for e in rows]) if rows else np.empty((0, NUM_PERM), np.uint32)
        index._take(
            [e["id"] for e in rows], np.concatenate(shingles) if rows else np.empty(0, np.uint32),
            np.concatenate([[0], np.cumsum([len(x) for x in shingles], dtype=np.int64)]), minhash,
            [SAMPLED * bool(e["sampled"]) for e in rows], [e["published"] for e in rows], [e["outlet_id"] for e in rows],
            [bool(e["credits_other"]) for e in rows],
        )
        prints = index._prints
        indexed = [k for k, x in enumerate(shingles) if len(x)]
        if indexed:
            index._lsh.insert_many(indexed, minhash[indexed])
        dated = [day for day in prints.days if NO_DAY < day <= index._tomorrow]
        index._newest = max(dated, default=NO_DAY)
        place = prints.ids.place
        for k, e in enumerate(rows):
            match = e.get("match")  # states saved before it was kept: their groups are in "parent"
            m = None if match is None else place(match)
            prints.match[k] = NONE if m is None else m
        for aid, parent in d["parent"].items():
            child, p = place(aid), place(parent)
            if child is not None and p is not None:
                index._parent[child] = p
        for k in range(len(rows)):
            root = index._find(k)
            if root != k:
                index._members.setdefault(root, array("i", [root])).append(k)
        return index

    def segment(self, start: int) -> tuple[dict[str, Any], dict[str, "np.ndarray"]]:
        """The entries from arrival number ``start`` on, packed (for ``arrays.pack``;
        ``from_segments`` reads them back): their plain fields as lists, their
        fingerprints end to end. Each entry's ``link`` is an article of its
        group: the one it was found to copy, else (an entry loaded from a state
        that did not keep that) its parent in the union-find. A forgotten
        article let go of stands as its id alone (no fingerprints, no link),
        or, once its id came in again since, as an id no article has, so that
        a loaded index keeps both places. The links of all entries join every
        group as it is."""
        import numpy as np

        prints, ids = self._prints, self._prints.ids
        kept = [k for k in range(start, len(prints)) if prints.held(k)]
        held = set(kept)
        names = [ids[k] if k in held or prints.place(ids[k]) is None else f"{ids[k]}\x00{k}" for k in range(start, len(prints))]

        def link(k: int) -> str | None:
            if prints.match[k] != NONE:
                return ids[prints.match[k]]
            return None if self._parent[k] == k else ids[self._parent[k]]

        plain: dict[str, Any] = {
            "ids": names,
            "published": [prints.published(k) if k in held else None for k in range(start, len(prints))],
            "outlet_ids": [prints.outlet(k) if k in held else None for k in range(start, len(prints))],
            "links": [link(k) if k in held else None for k in range(start, len(prints))],
            "matches": [ids[prints.match[k]] if k in held and prints.match[k] != NONE else None for k in range(start, len(prints))],
        }
        sizes = [prints.n_shingles(k) if k in held else 0 for k in range(start, len(prints))]
        empty = np.zeros(NUM_PERM, np.uint32)
        arrays: dict[str, np.ndarray] = {
            "sizes": np.array(sizes, dtype=np.int32),
            "shingles": np.concatenate([prints.shingles(k) for k in kept]).astype(np.uint32) if kept else np.empty(0, np.uint32),
            "minhash": np.stack([prints.minhash(k) if k in held else empty for k in range(start, len(prints))]).astype(np.uint32)
            if len(prints) > start else np.empty((0, NUM_PERM), np.uint32),
            "flags": np.array(
                [prints.flags[k] & (SAMPLED | CREDITS) if k in held else 0 for k in range(start, len(prints))], dtype=np.uint8
            ),
        }
        return plain, arrays

    @classmethod
    def from_segments(cls, containment_threshold: float, segments: Iterable[tuple[dict[str, Any], dict[str, "np.ndarray"]]]) -> "CopyIndex":
        """An index of the entries of ``segment``s, in order, as ``from_dict`` makes one."""
        import numpy as np

        articles: dict[str, dict[str, Any]] = {}
        parent: dict[str, str] = {}

        def find(a: str) -> str:
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        for plain, arrays in segments:
            bounds = np.concatenate([[0], np.cumsum(arrays["sizes"], dtype=np.int64)])
            for k, aid in enumerate(plain["ids"]):
                flags = int(arrays["flags"][k])
                articles[aid] = {
                    "id": aid, "seq": len(articles), "shingles": arrays["shingles"][bounds[k] : bounds[k + 1]],
                    "sampled": bool(flags & 1), "minhash": arrays["minhash"][k], "published": plain["published"][k],
                    "outlet_id": plain["outlet_ids"][k], "credits_other": bool(flags & 2), "match": plain["matches"][k],
                }
                parent[aid] = aid
            for aid, link in zip(plain["ids"], plain["links"], strict=True):
                if link is not None:
                    parent[find(aid)] = find(link)
        return cls.from_dict({"containment_threshold": containment_threshold, "articles": articles, "parent": parent})

    # ------------------------------------------------------------ internals

    def _original(self, group: Sequence[int]) -> int:
        """The member the others copy: earliest, then fullest, then uncredited, then first seen.

        Dates decide only when every member has one. "Fullest" counts the
        shingles a member shares with the rest of the group, so a header or
        note a copy added does not count while a copy's trim does, and it
        tolerates ``FULL_SLACK`` for a reworded phrase. Fullness comes before
        the credit line because trimming a copy often cuts the original's own
        "AP contributed to this report".
        """
        import numpy as np

        prints = self._prints
        members = list(group)
        days = [p[:10] if (p := prints.published(k)) else None for k in members]
        if None not in days:
            first = min(days)  # type: ignore[type-var]
            members = [k for k, d in zip(members, days) if d == first]
        if len(members) > 1:
            # A member's shingle is shared when it occurs more than once in the
            # group (each member's own set has no repeats): one pass, any size.
            sets = [prints.shingles(k) for k in members]
            values, counts = np.unique(np.concatenate(sets), return_counts=True)
            repeated = values[counts > 1]
            shared = [int(np.isin(x, repeated, assume_unique=True).sum()) for x in sets]
            most = max(shared)
            members = [k for k, n in zip(members, shared) if n >= (1 - FULL_SLACK) * most]
        return min(members, key=lambda k: (bool(prints.flags[k] & CREDITS), k))

    def _find(self, k: int) -> int:
        parent = self._parent
        root = k
        while parent[root] != root:
            root = parent[root]
        while parent[k] != root:  # path compression keeps later finds O(1)
            parent[k], k = root, parent[k]
        return root

    def _union(self, a: int, b: int) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return
        self._originals.pop(ra, None)
        self._originals.pop(rb, None)
        group_a, group_b = self._members.pop(ra, array("i", [ra])), self._members.pop(rb, array("i", [rb]))
        if len(group_a) < len(group_b):  # union by size keeps the trees shallow
            ra, rb, group_a, group_b = rb, ra, group_b, group_a
        self._parent[rb] = ra
        self._members[ra] = group_a + group_b


def _tomorrow() -> int:
    return dt.date.today().toordinal() + 1


def _day(published: str | None) -> int:
    """``Article.published_day`` as an ordinal, NO_DAY for none."""
    day = day_of(published)
    return day.toordinal() if day else NO_DAY


def _held(prints: PrintStore, aid: str) -> int:
    k = prints.place(aid)
    if k is None:
        raise KeyError(aid)
    return k


def _most_shared(hits: dict[int, int], n: int) -> list[int]:
    """The ``n`` keys that share the most bands, the latest first among equals (all when there are no more)."""
    import numpy as np

    if len(hits) <= n:
        return list(hits)
    keys = np.fromiter(hits, dtype=np.int64, count=len(hits))
    shared = np.fromiter(hits.values(), dtype=np.int64, count=len(hits))
    return keys[np.lexsort((-keys, -shared))[:n]].tolist()
