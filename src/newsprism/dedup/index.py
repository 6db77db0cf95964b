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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsprism.arrays import decode, encode
from newsprism.dedup.minhash import BandIndex, permutations, signatures
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


@dataclass(slots=True)
class Fingerprint:
    """What copy detection reads of an article's body."""

    shingles: "np.ndarray"  # sorted shingle hashes (uint32), sampled for long texts
    sampled: bool
    minhash: "np.ndarray"  # uint32[NUM_PERM], over all the shingles


def fingerprints(bodies: Sequence[str]) -> list[Fingerprint]:
    """The fingerprints of articles' body texts (``body_text``), a batch at a time: a pure function."""
    hashes, bounds = shingle_sets(bodies)
    minhashes = signatures(hashes, bounds, permutations(NUM_PERM, _SEED))
    kept, kept_bounds, sampled = sample_sets(hashes, bounds)
    return [
        Fingerprint(kept[kept_bounds[k] : kept_bounds[k + 1]], bool(sampled[k]), minhashes[k]) for k in range(len(bodies))
    ]


@dataclass(slots=True)
class _Entry:
    """What the index keeps of one article: no text, only fingerprints and rank keys."""

    id: str
    seq: int  # arrival order, the last tie-breaker for "which is the original"
    shingles: "np.ndarray"  # sorted sampled shingle hashes (uint32)
    sampled: bool
    minhash: "np.ndarray"  # uint32[NUM_PERM]
    published: str | None
    outlet_id: str | None
    credits_other: bool  # the text names a syndicate or wire it came from
    # The earlier article this one was found to copy when it came in (its group
    # is the union of such links: a database keeps them, see ``cluster.parts``).
    match: str | None = None
    # Out of the LSH (``CopyIndex.forget``); never saved: a loaded state indexes its articles again.
    forgotten: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "seq": self.seq,
            "shingles": encode(self.shingles, "uint32"),
            "sampled": self.sampled,
            "minhash": encode(self.minhash, "uint32"),
            "published": self.published,
            "outlet_id": self.outlet_id,
            "credits_other": self.credits_other,
            "match": self.match,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "_Entry":
        return cls(
            id=d["id"],
            seq=d["seq"],
            shingles=decode(d["shingles"], "uint32"),
            sampled=d["sampled"],
            minhash=decode(d["minhash"], "uint32"),
            published=d["published"],
            outlet_id=d["outlet_id"],
            credits_other=d["credits_other"],
            match=d.get("match"),  # states saved before it was kept: their groups are in "parent"
        )


class CopyIndex:
    """Copies among all articles added so far, in any order and any batches.

    Copies form groups (union-find); each group's original is its best-ranked
    member (see ``_original``), so the answer for an article can change when
    its true original arrives later.
    """

    def __init__(self, containment_threshold: float = CONTAINMENT) -> None:
        self.containment_threshold = containment_threshold
        self._entries: dict[str, _Entry] = {}
        self._by_seq: list[str] = []  # ids in arrival order, forgotten ones too: the LSH keeps article numbers
        self._parent: dict[str, str] = {}
        self._members: dict[str, list[str]] = {}  # root -> its group, for groups of 2+
        self._originals: dict[str, str] = {}  # root -> its group's original, until the group grows
        self._lsh = BandIndex(LSH_BANDS, most_recent=LATEST_PER_BAND)
        self.copies_forgotten = 0  # copies in the groups ``forget`` let go of (not saved)
        # Forgetting (``forget_window``): (days, arrivals), None: never; each arrival's
        # day (ordinal, NO_DAY: none), the newest, and the clock of the last look.
        self.window: tuple[int, int] | None = None
        self._days = array("i")
        self._newest = NO_DAY
        self._forgot_to = (0, NO_DAY)
        self._tomorrow = _tomorrow()

    # ------------------------------------------------------------ building

    def add(self, articles: Iterable[Article]) -> list[str | None]:
        """Add articles; returns, for each, the earlier article it was found to
        copy (None: no copy, or an id added before, which is skipped)."""
        import numpy as np

        articles = list(articles)
        found: list[str | None] = []
        self._tomorrow = _tomorrow()
        prints = fingerprints([body_text(a) for a in articles])
        # The batch is looked up in the LSH's runs at once; each article then in
        # what came since (the batch's own earlier articles too), as it is taken in.
        self._lsh.flush()
        earlier = self._lsh.hits_many(np.stack([fp.minhash for fp in prints])) if prints else []
        for a, fp, near in zip(articles, prints, earlier, strict=True):
            if a.id in self._entries:
                found.append(None)  # ids are unique in a corpus: a repeat is the same article
            else:
                found.append(self._insert(a.id, self._entry(a, fp), near))
        self.forget_window()
        return found

    def _entry(self, a: Article, fp: Fingerprint) -> _Entry:
        return _Entry(
            id=a.id,
            seq=len(self._by_seq),
            shingles=fp.shingles,
            sampled=fp.sampled,
            minhash=fp.minhash,
            published=a.published,
            outlet_id=a.outlet_id,
            credits_other=bool(a.syndicated_from),
        )

    def _insert(self, aid: str, e: _Entry, near: dict[int, int] | None = None) -> str | None:
        """Take an article in; ``near``, what ``BandIndex.hits_many`` found of it in the LSH's runs."""
        self._entries[aid] = e
        self._by_seq.append(aid)
        day = _day(e.published)
        self._days.append(day)
        if NO_DAY < day <= self._tomorrow:  # a day past tomorrow (a wrong date) would forget everything
            self._newest = max(self._newest, day)
        self._parent.setdefault(aid, aid)
        if not len(e.shingles):
            return None
        hits = dict(self._lsh.hits_many(e.minhash)[0] if near is None else near)
        for key, n in self._lsh.hits_recent(e.minhash).items():  # the few that came since
            hits[key] = hits.get(key, 0) + n
        match = e.match = self._closest(e, _most_shared(hits, MOST_CHECKED))
        self._lsh.insert(e.seq, e.minhash)
        if match is not None:
            self._union(aid, match)
        return match

    def _closest(self, e: _Entry, near: Iterable[int]) -> str | None:
        """The earlier article that ``e`` copies most closely, if any, of those the LSH proposed (by number)."""
        best, best_share = None, 0.0
        # In arrival order, so that of equal matches the earliest wins, in every process.
        cands = [self._by_seq[k] for k in sorted(near)]
        found = [self._entries[c] for c in cands]
        shared_all, share_all = overlaps(e.shingles, e.sampled, [(o.shingles, o.sampled) for o in found])
        for other, o, shared, share in zip(cands, found, shared_all.tolist(), share_all.tolist()):
            identical = not e.sampled and not o.sampled and share == 1.0 and len(e.shingles) == len(o.shingles)
            if (identical or (shared >= MIN_SHARED and share >= self.containment_threshold)) and share > best_share:
                best, best_share = other, share
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
        hot_from = max(0, len(self._by_seq) - arrivals)
        horizon = NO_DAY if self._newest == NO_DAY else self._newest - days
        last_from, last_horizon = self._forgot_to
        if not hot_from or (hot_from - last_from < max(1, arrivals // 20) and horizon <= last_horizon):
            return
        held = np.frombuffer(self._days, dtype=np.int32)[:hot_from]
        gone = np.flatnonzero(held < horizon)
        gone = gone[(gone >= last_from) | (held[gone] >= last_horizon)]  # only the newly forgotten
        del held
        self._forgot_to = (hot_from, horizon)
        self.forget([self._by_seq[k] for k in gone.tolist()])

    def forget(self, ids: Iterable[str]) -> None:
        """Forget articles that no new one should be matched with any more
        (``forget_window``: long out of the clusterer's window): no
        later article is found to copy them, and an article in no group of
        copies leaves memory with its fingerprints. A group stays whole while
        any member is still remembered, since a new copy of that member joins
        the group and its original is chosen again from every member's
        fingerprints; once all are forgotten the group can change no more,
        and it leaves memory too. What was found before stays on the articles
        (``duplicate_of``) and in a database (``segment``), not here."""
        import numpy as np

        seqs, sigs, groups = [], [], set()
        for aid in ids:
            e = self._entries.get(aid)
            if e is None or e.forgotten:
                continue
            e.forgotten = True
            if len(e.shingles):
                seqs.append(e.seq)
                sigs.append(e.minhash)
            root = self._find(aid)
            if root in self._members:
                groups.add(root)
            else:
                self._drop(aid)
        if seqs:
            self._lsh.drop(seqs, np.stack(sigs))
        for root in groups:
            members = self._members[root]
            if all(self._entries[m].forgotten for m in members):
                for m in members:
                    self._drop(m)
                self.copies_forgotten += len(members) - 1
                del self._members[root]
                self._originals.pop(root, None)

    def _drop(self, aid: str) -> None:
        del self._entries[aid], self._parent[aid]  # its place in ``_by_seq`` stays (see ``segment``)

    def held(self) -> dict[str, int]:
        """What the index holds: articles, articles in the LSH, groups (see ``forget``)."""
        return {"articles": len(self._entries), "lsh_keys": self._lsh.n_keys, "groups": len(self._members)}

    # ------------------------------------------------------------ answers

    def original_of(self, article_id: str) -> str | None:
        """The id of the article this one copies, or None if it is an original."""
        if article_id not in self._entries:
            return None
        root = self._find(article_id)
        best = self._originals.get(root)
        if best is None:
            best = self._original([self._entries[m] for m in self._members.get(root, [article_id])])
            self._originals[root] = best
        return None if best == article_id else best

    def groups(self) -> list[list[str]]:
        """Every group of two or more copies, members in arrival order."""
        seq = lambda aid: self._entries[aid].seq  # noqa: E731
        return sorted((sorted(m, key=seq) for m in self._members.values()), key=lambda g: seq(g[0]))

    def groups_of(self, ids: Iterable[str]) -> list[list[str]]:
        """The groups of two or more copies that hold any of ``ids``, as ``groups`` lists them."""
        roots = {self._find(aid) for aid in ids if aid in self._entries}
        seq = lambda aid: self._entries[aid].seq  # noqa: E731
        return sorted((sorted(self._members[r], key=seq) for r in roots if r in self._members), key=lambda g: seq(g[0]))

    def same_outlet(self, a: str, b: str) -> bool:
        oa, ob = self._entries[a].outlet_id, self._entries[b].outlet_id
        return oa is not None and oa == ob

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._entries

    def __len__(self) -> int:
        """Articles taken in, forgotten ones too (the arrival numbers ``segment`` counts)."""
        return len(self._by_seq)

    # ------------------------------------------------------------ persistence

    def to_dict(self) -> dict[str, Any]:
        return {
            "containment_threshold": self.containment_threshold,
            "articles": {aid: e.to_dict() for aid, e in self._entries.items()},
            "parent": dict(self._parent),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "CopyIndex":
        import numpy as np

        index = cls(d["containment_threshold"])
        entries = {aid: _Entry.from_dict(e) for aid, e in d["articles"].items()}
        index._by_seq = [aid for aid, _ in sorted(entries.items(), key=lambda kv: kv[1].seq)]
        for k, aid in enumerate(index._by_seq):
            entries[aid].seq = k  # numbered as they arrived, whatever numbers a state gave them
        indexed = [(e.seq, e) for e in map(entries.__getitem__, index._by_seq) if len(e.shingles)]
        if indexed:
            index._lsh.insert_many([seq for seq, _ in indexed], np.stack([e.minhash for _, e in indexed]))
        index._entries = entries
        index._days = array("i", [_day(entries[aid].published) for aid in index._by_seq])
        dated = [d for d in index._days if NO_DAY < d <= index._tomorrow]
        index._newest = max(dated, default=NO_DAY)
        index._parent = dict(d["parent"])
        for aid in entries:
            root = index._find(aid)
            if root != aid:
                index._members.setdefault(root, [root]).append(aid)
        return index

    def segment(self, start: int) -> tuple[dict[str, Any], dict[str, "np.ndarray"]]:
        """The entries from arrival number ``start`` on, packed (for ``arrays.pack``;
        ``from_segments`` reads them back): their plain fields as lists, their
        fingerprints end to end. Each entry's ``link`` is an article of its
        group: the one it was found to copy, else (an entry loaded from a state
        that did not keep that) its parent in the union-find. The links of all
        entries join every group as it is."""
        import numpy as np

        entries = [self._at(seq, aid) for seq, aid in enumerate(self._by_seq[start:], start)]
        links = [e.match if e.match is not None else (None if self._parent.get(e.id, e.id) == e.id else self._parent[e.id]) for e in entries]
        plain: dict[str, Any] = {
            "ids": [e.id for e in entries],
            "published": [e.published for e in entries],
            "outlet_ids": [e.outlet_id for e in entries],
            "links": links,
            "matches": [e.match for e in entries],
        }
        arrays: dict[str, np.ndarray] = {
            "sizes": np.array([len(e.shingles) for e in entries], dtype=np.int32),
            "shingles": np.concatenate([e.shingles for e in entries]).astype(np.uint32) if entries else np.empty(0, np.uint32),
            "minhash": np.stack([e.minhash for e in entries]).astype(np.uint32) if entries else np.empty((0, NUM_PERM), np.uint32),
            "flags": np.array([e.sampled | e.credits_other << 1 for e in entries], dtype=np.uint8),
        }
        return plain, arrays

    def _at(self, seq: int, aid: str) -> _Entry:
        """The entry of arrival ``seq`` (``aid``), or what stands for it once forgotten:
        no fingerprints, no link, and its id unless the id came in again since
        (then one no article has, so that a loaded index keeps both places)."""
        import numpy as np

        e = self._entries.get(aid)
        if e is not None and e.seq == seq:
            return e
        placeholder = aid if e is None else f"{aid}\x00{seq}"
        return _Entry(placeholder, seq, np.empty(0, np.uint32), False, np.zeros(NUM_PERM, np.uint32), None, None, False, forgotten=True)

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

    def _original(self, group: list[_Entry]) -> str:
        """The member the others copy: earliest, then fullest, then uncredited, then first seen.

        Dates decide only when every member has one. "Fullest" counts the
        shingles a member shares with the rest of the group, so a header or
        note a copy added does not count while a copy's trim does, and it
        tolerates ``FULL_SLACK`` for a reworded phrase. Fullness comes before
        the credit line because trimming a copy often cuts the original's own
        "AP contributed to this report".
        """
        import numpy as np

        days = [e.published[:10] if e.published else None for e in group]
        if None not in days:
            first = min(days)  # type: ignore[type-var]
            group = [e for e, d in zip(group, days) if d == first]
        if len(group) > 1:
            # A member's shingle is shared when it occurs more than once in the
            # group (each member's own set has no repeats): one pass, any size.
            values, counts = np.unique(np.concatenate([e.shingles for e in group]), return_counts=True)
            repeated = values[counts > 1]
            shared = [int(np.isin(e.shingles, repeated, assume_unique=True).sum()) for e in group]
            most = max(shared)
            group = [e for e, n in zip(group, shared) if n >= (1 - FULL_SLACK) * most]
        return min(group, key=lambda e: (e.credits_other, e.seq)).id

    def _find(self, aid: str) -> str:
        parent = self._parent
        root = aid
        while parent[root] != root:
            root = parent[root]
        while parent[aid] != root:  # path compression keeps later finds O(1)
            parent[aid], aid = root, parent[aid]
        return root

    def _union(self, a: str, b: str) -> None:
        self._parent.setdefault(a, a)
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return
        self._originals.pop(ra, None)
        self._originals.pop(rb, None)
        group_a, group_b = self._members.pop(ra, [ra]), self._members.pop(rb, [rb])
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


def _most_shared(hits: dict[int, int], n: int) -> list[int]:
    """The ``n`` keys that share the most bands, the latest first among equals (all when there are no more)."""
    import numpy as np

    if len(hits) <= n:
        return list(hits)
    keys = np.fromiter(hits, dtype=np.int64, count=len(hits))
    shared = np.fromiter(hits.values(), dtype=np.int64, count=len(hits))
    return keys[np.lexsort((-keys, -shared))[:n]].tolist()
