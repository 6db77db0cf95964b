"""The same statement across the articles of a story.

Quotes are first blocked by speaker (so a large story never compares every
quote with every other), with speaker names unified through the story's
merged entities and the shared name matcher ("Sergey Shoigu" = "Sergei
Shoigu", "Colin Clarke" = "Colin P. Clarke"). Inside a block, two quotes are
the same statement when their content words overlap enough, words weighted
by how rare they are in the story and compared by their first letters so
that "cooperate"/"cooperation" and "ready"/"readiness" meet. Statements are
joined best pair first; two quotes of one article join only when they share
a sentence (the article split one statement in two), since an article does
not print one statement twice.

Each variant carries a word diff against the group's representative wording
(a direct quote when there is one: what the speaker said, not a paraphrase).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from newsprism.model import Article, Entity, GroupSpeaker, Quote, QuoteGroup, QuoteVariant, SpeakerKind
from newsprism.quotes import lexicon as L
from newsprism.unionfind import UnionFind

SAME_STATEMENT = 0.3  # weighted cosine above which two quotes are one statement
_STEM = 4  # leading letters compared: cooperate/cooperation, ready/readiness, fully/full
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_STOP = frozenset(
    """a an the and or but if of to in on at for with by from as into about over after before than that this these
    those is are was were be been being am do does did have has had will would shall should can could may might must
    it its it's they them their we us our you your he him his she her i me my not no so such there here what which
    who whom whose when where why how all any some each very just also only then too up out more most""".split()
)


@dataclass
class _Item:
    quote: Quote
    article: Article
    text: str
    stems: frozenset[str]
    block: str
    speaker_name: str | None
    kind: SpeakerKind


def group_quotes(articles: list[Article], quotes: dict[str, list[Quote]], entities: list[Entity]) -> list[QuoteGroup]:
    """One group per statement, largest spread first; a quote with no speaker found in one article only is left out."""
    by_id = {a.id: a for a in articles}
    names = _SpeakerNames(entities, [q for qs in quotes.values() for q in qs])
    items = []
    for aid, qs in quotes.items():
        article = by_id.get(aid)
        if article is None:
            continue
        for q in qs:
            text = _quote_text(article.text, q)
            stems = _stems(text)
            if not stems:
                continue
            block, name, kind = names.key(q)
            items.append(_Item(q, article, text, stems, block, name, kind))
    idf = _idf(items)
    groups: list[list[_Item]] = []
    blocks: dict[str, list[_Item]] = defaultdict(list)
    for it in items:
        blocks[it.block].append(it)
    for members in blocks.values():
        groups.extend(_cluster(members, idf))
    out = [_to_group(g, idf) for g in groups if not (g[0].speaker_name is None and len({i.article.id for i in g}) == 1)]
    order = {a.id: i for i, a in enumerate(articles)}
    out.sort(key=lambda g: (-len({v.article for v in g.variants}), min(order.get(v.article, 0) for v in g.variants),
                            min(v.start for v in g.variants)))
    return out


def _quote_text(text: str, q: Quote) -> str:
    """What was said: the quoted pieces of a split quote without the cue between them."""
    if len(q.parts) > 1:
        return " ".join(text[p.start : p.end] for p in q.parts)
    return text[q.content.start : q.content.end]


# ---------------------------------------------------------------- speakers


class _SpeakerNames:
    """Maps a quote's speaker to a block key and a display name shared across the story."""

    def __init__(self, entities: list[Entity], quotes: list[Quote]) -> None:
        from newsprism.extract.names import NameIndex

        self.people = NameIndex()
        self.entity_of: dict[str, str] = {}
        for e in entities:
            if e.label == "PERSON":
                for v in (e.name, *e.variants):
                    self.people.add(v)
            else:
                for v in (e.name, *e.variants):
                    self.entity_of[_norm(v)] = e.name
        media = set()
        for q in quotes:
            if q.speaker is not None and q.speaker.kind == "person":
                self.people.add(q.speaker.name)
            elif q.speaker is not None and q.speaker.kind == "media":
                media.add(self.entity_of.get(_norm(q.speaker.name), q.speaker.name))
        # "the Courier" is the story's "Kestrel Courier" when only one outlet name ends that way.
        for short in media:
            longer = [m for m in media if m != short and _norm(m).endswith(" " + _norm(short))]
            if len(longer) == 1:
                self.entity_of[_norm(short)] = longer[0]

    def key(self, q: Quote) -> tuple[str, str | None, SpeakerKind]:
        spk = q.speaker
        if spk is None:
            return "none", None, "unknown"
        if spk.kind == "person":
            from newsprism.extract.names import person_key

            full = self.people.resolve(spk.name) or spk.name
            return "person:" + (person_key(full) or full.casefold()), full, "person"
        if spk.kind == "anonymous":
            return "anonymous:" + _anonymous_head(spk.name), spk.name, "anonymous"
        name = self.entity_of.get(_norm(spk.name), spk.name)
        return f"{spk.kind}:{_norm(name)}", name, spk.kind


def _norm(s: str) -> str:
    s = s.casefold().replace("’", "'").strip()
    s = re.sub(r"^(?:the|a|an)\s+", "", s)
    return re.sub(r"\s+", " ", s)


def _anonymous_head(description: str) -> str:
    """'an Israeli official' and 'two Iranian officials' share the block 'official'."""
    words = [w.casefold() for w in _WORD.findall(description)]
    heads = [w for w in words if w in L.ANONYMOUS_HEADS]
    head = heads[0] if heads else (words[-1] if words else "")
    return head[:-1] if head.endswith("s") and head[:-1] in L.ANONYMOUS_HEADS else head


# ---------------------------------------------------------------- similarity


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _stems(text: str) -> frozenset[str]:
    return frozenset(w.casefold()[:_STEM] for w in _words(text) if w.casefold() not in _STOP and len(w) > 1)


def _idf(items: list[_Item]) -> dict[str, float]:
    df = Counter(s for it in items for s in it.stems)
    n = len(items) + 1
    return {s: math.log(n / c) + 1.0 for s, c in df.items()}


def similarity(a: frozenset[str], b: frozenset[str], idf: dict[str, float]) -> float:
    """Cosine of the two quotes' word sets, words weighted by rarity in the story."""
    common = a & b
    if not common:
        return 0.0
    wa = sum(idf.get(s, 1.0) ** 2 for s in a)
    wb = sum(idf.get(s, 1.0) ** 2 for s in b)
    return sum(idf.get(s, 1.0) ** 2 for s in common) / math.sqrt(wa * wb)


def _cluster(members: list[_Item], idf: dict[str, float]) -> list[list[_Item]]:
    """Best pairs first; a group never holds two quotes of one article."""
    index: dict[str, list[int]] = defaultdict(list)
    for i, it in enumerate(members):
        for s in it.stems:
            index[s].append(i)
    # Only the pairs that can join are held: in a large story one speaker's quotes nearly all share
    # a word, and every such pair as tuples was small objects quadratic in the block for the length
    # of the grouping (a watch's Python arenas stay pinned by them after the round).
    scored = []
    for i, it in enumerate(members):
        for j in {j for s in it.stems for j in index[s] if j > i}:
            if it.article.id != members[j].article.id:
                sim = similarity(it.stems, members[j].stems, idf)
                if sim >= SAME_STATEMENT:
                    scored.append((sim, i, j))
    scored.sort(reverse=True)
    sets = UnionFind(len(members))
    held = [[i] for i in range(len(members))]  # by group root
    for _, i, j in scored:
        gi, gj = sets.find(i), sets.find(j)
        if gi == gj or not _may_join([members[k] for k in held[gi]], [members[k] for k in held[gj]]):
            continue
        sets.union(gi, gj)
        root = sets.find(gi)
        held[root] = held[gi] + held[gj]
    return [[members[i] for i in g] for g in sets.groups()]


def _may_join(a: list[_Item], b: list[_Item]) -> bool:
    """Two groups join unless that puts two quotes of one article in one group; an article that
    splits one statement over one sentence (`emphasised the "deep, long-term" nature of the ties,
    suggesting that they are set to deepen`) is the exception: both halves are its wording."""
    return all(x.article.id != y.article.id or _one_sentence(x, y) for x in a for y in b)


def _one_sentence(x: _Item, y: _Item) -> bool:
    """Two quotes side by side in one sentence (not one inside the other)."""
    a, b = x.quote.content, y.quote.content
    if a.overlaps(b):
        return False
    s = next((s for s in x.article.sentences if s.start <= a.start < s.end), None)
    return s is not None and s.start <= b.start < s.end


# ---------------------------------------------------------------- groups


def _representative(group: list[_Item], idf: dict[str, float]) -> _Item:
    """The wording closest to all others: a whole quotation if any, else a partly quoted one."""
    pool = [it for it in group if _wholly_quoted(it)] or [it for it in group if it.quote.direct] or group
    # Rounded, and the first article on a tie: set order (and so float sums) varies from run to run.
    pool = sorted(pool, key=lambda it: (it.article.id, it.quote.content.start))
    return max(pool, key=lambda it: (round(sum(similarity(it.stems, o.stems, idf) for o in group if o is not it), 9), len(it.text)))


def _wholly_quoted(it: _Item) -> bool:
    start = it.quote.content.start
    return it.quote.direct and start > 0 and not it.article.text[start - 1].isalnum() and it.article.text[start - 1] not in " \n"


def word_diff(base: str, other: str) -> list[tuple[str, str]]:
    """Word-level differences from ``base`` to ``other``: ("=", kept), ("-", dropped), ("+", added)."""
    import difflib

    a, b = base.split(), other.split()
    out: list[tuple[str, str]] = []
    norm = [re.sub(r"[^\w]", "", w).casefold() for w in a], [re.sub(r"[^\w]", "", w).casefold() for w in b]
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, *norm, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", " ".join(b[j1:j2])))
            continue
        if i2 > i1:
            out.append(("-", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", " ".join(b[j1:j2])))
    return out


def _to_group(group: list[_Item], idf: dict[str, float]) -> QuoteGroup:
    rep = _representative(group, idf)
    names = Counter(it.speaker_name for it in group if it.speaker_name)
    kinds = Counter(it.kind for it in group)
    variants = [
        QuoteVariant(
            article=it.article.id,
            outlet=it.article.outlet,
            text=it.text,
            direct=it.quote.direct,
            start=it.quote.content.start,
            end=it.quote.content.end,
            diff=word_diff(rep.text, it.text),
            cue=None if it.quote.cue is None else it.article.text[it.quote.cue.start : it.quote.cue.end],
            cue_start=None if it.quote.cue is None else it.quote.cue.start,
        )
        for it in sorted(group, key=lambda it: (it is not rep, it.article.id, it.quote.content.start))
    ]
    name = rep.speaker_name or (names.most_common(1)[0][0] if names else "")
    if rep.kind == "anonymous" and L.names_one_member(name):
        # "Two Iranian officials confirmed" beside "one of two Iranian officials" confirmed: the
        # group's statement, named by the group (the commonest, then the fullest, description of it).
        groups = [(n, c) for n, c in names.items() if not L.names_one_member(n)]
        if groups:
            name = max(groups, key=lambda nc: (nc[1], len(nc[0]), nc[0]))[0]
    return QuoteGroup(speaker=GroupSpeaker(name, kinds.most_common(1)[0][0]), text=rep.text, variants=variants)
