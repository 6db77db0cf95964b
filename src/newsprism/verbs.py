"""The one lexicon of speech and reporting verbs, each with the act it reports.

Every stage that needs to know what a verb of saying or reporting does reads
it here: the quotes stage (which verbs may tag a quotation), the claims stage
(which words only say who reported a fact), framing (which reporting verbs
carry no judgement of the speaker), the brief (which cues only pass words on)
and provenance (the act of each attribution). Which words are cues at all is
learned (``newsprism.quotes.attribution``); this table says what a known cue
word means.

Each verb has:

* ``act``: what an attribution by it reports.
  ``speech``: speech or writing ("said", "wrote", "announced");
  ``belief``: a belief or stance ("thinks", "expects", "agrees");
  ``intention``: an intention or a demand ("wants", "plans", "urged", "vowed");
  ``finding``: what a poll, report or study shows ("shows", "found").
* ``said``: a verb of saying, so it may stand beside a quotation with no
  complement of its own (`"...," she said`, `"...?" he wondered`). A pledge is
  said, a wish is not.
* ``tone``: ``plain`` verbs only pass words on (the brief prints what was said
  without them); ``neutral`` ones say what the speaker did without judging it;
  ``loaded`` ones colour it ("insisted", "boasted", "conceded").
* ``relays``: the verb passes a fact on from its source ("X reported",
  "citing X", "as the Times noted"), so a sentence saying it is about the fact,
  not about the telling.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal, cast

from newsprism.model import Act

Tone = Literal["plain", "neutral", "loaded"]

ACTS: tuple[Act, ...] = ("speech", "belief", "intention", "finding")


@dataclass(frozen=True, slots=True)
class Verb:
    lemma: str
    act: Act
    said: bool
    tone: Tone
    relays: bool = False


# act, said, tone, relays: lemmas. One line a kind; a lemma appears once.
_TABLE = """
speech    said  plain    relays: say tell add report state write note
speech    said  neutral  relays: announce explain confirm
speech    said  loaded   relays: claim insist
speech    -     neutral  relays: cite quote broadcast
belief    -     neutral  relays: highlight
speech    said  neutral: ask reply respond comment mention acknowledge declare inform testify tweet post recall
                         continue point emphasize emphasise stress indicate argue reveal
speech    said  loaded:  admit affirm allege assert assure boast brag caution charge complain concede contend counter
                         deny exclaim hint joke lament maintain observe proclaim question quip recount reiterate remark
                         repeat retort scoff shout tease tout warn whisper yell
speech    -     neutral: answer describe brief clarify disclose publish release express
belief    said  neutral: suggest predict estimate agree wonder
belief    said  loaded:  disagree muse speculate
belief    -     neutral: think believe know hope expect feel doubt assume guess consider understand realize realise
                         remember see hear read learn seem appear
intention said  neutral: urge advise
intention said  loaded:  promise pledge vow recommend
intention -     neutral: want plan intend decide propose request
finding   said  neutral: conclude
finding   -     neutral: show find
"""


def _parse(table: str) -> dict[str, Verb]:
    out: dict[str, Verb] = {}
    head: tuple[Act, bool, Tone, bool] | None = None
    for line in table.strip().splitlines():
        words = line
        if ":" in line:
            kind, words = line.split(":", 1)
            act, said, tone, *rest = kind.split()
            if act not in ACTS or said not in ("said", "-") or tone not in ("plain", "neutral", "loaded"):
                raise ValueError(f"bad kind: {kind!r}")
            head = (act, said == "said", cast(Tone, tone), rest == ["relays"])
        if head is None:
            raise ValueError(f"no kind before {line!r}")
        for lemma in words.split():
            if lemma in out:
                raise ValueError(f"{lemma} is listed twice")
            out[lemma] = Verb(lemma, *head)
    return out


VERBS: dict[str, Verb] = _parse(_TABLE)

# Verbs whose reporting sense takes a clause or a quotation ("the inquiry concluded that ...");
# with a noun for object they name an act, not an attribution ("the two countries concluded an
# agreement", "she concluded her visit").
ACT_WITH_OBJECT = frozenset({"conclude"})

# Stance verbs that report speech or writing when a that-clause is their object: "the Times highlighted
# that Shoigu visited Tehran" passes on what the Times wrote; "she highlighted her record" or "scored
# victories, highlighting how ..." shows what was stressed.
SPEECH_WITH_CLAUSE = frozenset({"highlight"})

# Verbs whose object is the one spoken to ("told reporters", "urged lawmakers"): what follows
# the cue's object is not the content of what was said.
ADDRESSEE = frozenset("tell ask inform remind assure warn urge advise email text message".split())

# Verbs whose object holds the feeling ("the remarks angered the ferry crews"): who holds the stance
# is the object, never the cause.
EXPERIENCER_OBJECT = frozenset(
    """anger enrage infuriate outrage upset frustrate irritate annoy alarm worry trouble bother disturb
    disappoint dismay dishearten alienate offend horrify appall appal shock surprise stun please delight
    impress scare frighten""".split()
)

# Verbs of saying: they may tag a quotation with no complement of their own.
SAID = frozenset(v.lemma for v in VERBS.values() if v.said)
# Verbs that only pass words on.
PLAIN = frozenset(v.lemma for v in VERBS.values() if v.tone == "plain")
# Reporting and cognition verbs that carry no judgement of the speaker.
UNLOADED = frozenset(v.lemma for v in VERBS.values() if v.tone != "loaded")
# Verbs that pass a fact on from its source.
RELAYS = frozenset(v.lemma for v in VERBS.values() if v.relays)

# Past forms that do not end in -ed the regular way.
_PAST = {
    "say": ("said",), "tell": ("told",), "write": ("wrote", "written"), "think": ("thought",), "feel": ("felt",),
    "find": ("found",), "know": ("knew", "known"), "see": ("saw", "seen"), "hear": ("heard",), "read": ("read",),
    "understand": ("understood",), "broadcast": ("broadcast", "broadcasted"), "quip": ("quipped",), "admit": ("admitted",),
}


@cache
def forms(lemma: str) -> frozenset[str]:
    """The lemma and its inflected forms: "report" -> report, reports, reported, reporting."""
    consonant_y = lemma.endswith("y") and lemma[-2:-1] not in "aeiou"
    if lemma in _PAST:
        past: tuple[str, ...] = _PAST[lemma]
    else:
        past = (lemma + "d" if lemma.endswith("e") else lemma[:-1] + "ied" if consonant_y else lemma + "ed",)
    third = lemma + "es" if lemma.endswith(("s", "sh", "ch", "x", "z")) else lemma[:-1] + "ies" if consonant_y else lemma + "s"
    ing = lemma[:-1] + "ing" if lemma.endswith("e") and not lemma.endswith("ee") else lemma + "ing"
    if lemma in ("quip", "admit"):
        ing = lemma + lemma[-1] + "ing"
    return frozenset({lemma, third, ing, *past})


# Nouns that lead an attribution ("in a statement", "his view that", "a poll shows"), by act.
NOUNS: dict[str, Act] = {
    **dict.fromkeys("""statement remark remarks comment comments interview tweet tweets speech letter testimony
        announcement claim claims account post message email memo op-ed column words""".split(), "speech"),
    **dict.fromkeys("view views belief opinion assessment fear fears hope hopes sense impression".split(), "belief"),
    **dict.fromkeys("plan plans proposal call calls demand demands request bid pledge promise vow".split(), "intention"),
    **dict.fromkeys("""poll polls survey surveys study studies research data analysis finding findings figures
        statistics census audit estimate estimates""".split(), "finding"),
}
# Sources whose attributions are findings whatever the verb ("the poll says", "a study suggests").
FINDING_SOURCES = frozenset(n for n, act in NOUNS.items() if act == "finding")


def act_of(lemma: str) -> Act | None:
    """The act a cue word (a verb, or a noun such as "statement" or "poll") reports, when the lexicon knows it."""
    low = lemma.lower()
    verb = VERBS.get(low)
    return verb.act if verb is not None else NOUNS.get(low)


def speech_forms(chosen: dict[str, str]) -> tuple[str, ...]:
    """The words of ``chosen`` ({lemma: "form form"}), in order, each checked to be a form of a verb of saying
    the lexicon knows (``"say": "said says"``). For a stage whose pattern was fitted or tuned on some forms of
    some of these verbs: the choice stays its own, what the words are stays here."""
    words: list[str] = []
    for lemma, picked in chosen.items():
        verb = VERBS.get(lemma)
        if verb is None or verb.act != "speech" or not verb.said or not set(picked.split()) <= forms(lemma):
            raise ValueError(f"{lemma} ({picked}) is no verb of speech in newsprism.verbs")
        words += picked.split()
    return tuple(words)
