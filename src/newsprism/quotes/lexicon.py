"""Word lists behind the speaker rules: who a speaker is (anonymous, an outlet, an organisation).

The verbs of saying are in ``newsprism.verbs``, the one lexicon of speech and
reporting verbs.
"""

from __future__ import annotations

from newsprism.verbs import FINDING_SOURCES

# Nouns that make a speaker anonymous when no name comes with them, before any title lookup.
ANONYMOUS_HEADS = frozenset(
    """source sources official officials person people aide aides diplomat diplomats
    insider insiders analyst analysts expert experts observer observers someone
    spokesman spokeswoman spokesperson representative representatives member members
    staffer staffers adviser advisers advisor advisors officer officers witness witnesses
    resident residents engineer engineers employee employees worker workers critic critics
    supporter supporters lawmaker lawmakers legislator legislators colleague colleagues
    friend friends ally allies associate associates individual individuals""".split()
)

# More nouns (lemmas) that name people by role or as a group, with no name: "voters want", "the mayor
# said", "inspectors concluded". An unnamed speaker with such a head is someone (kind anonymous),
# unlike a thing that "highlights" something ("This visit highlights"), which stays untyped. Unlike
# ANONYMOUS_HEADS (a word lives in one list), they are read only after a title lookup: "the mayor"
# may be the mayor the article named.
PEOPLE_HEADS = frozenset(
    """voter citizen american taxpayer consumer customer shopper investor trader donor fan viewer
    listener reader user subscriber audience crowd public electorate constituent delegate candidate
    nominee contender challenger incumbent opponent rival leader president chairman chairwoman chair
    mayor governor senator congressman congresswoman minister secretary ambassador envoy
    commander general soldier troop veteran inspector investigator prosecutor attorney lawyer
    judge justice juror detective agent negotiator regulator economist scientist researcher scholar
    academic professor teacher student doctor physician nurse patient surgeon pollster strategist
    consultant operative organizer activist protester protestor demonstrator campaigner advocate
    proponent skeptic sceptic conservative liberal progressive moderate evangelical democrat
    republican independent partisan loyalist dissident rebel militant fighter immigrant refugee migrant
    farmer owner landlord tenant parent mother father child kid family woman man neighbor neighbour
    villager local victim survivor relative passenger driver pilot crew manager executive director
    founder ceo boss employer chief head partner banker businessman businesswoman entrepreneur
    historian author writer journalist reporter columnist commentator pundit editor host
    fellow counsel clerk volunteer labourer laborer miner admiral captain colonel
    lieutenant sergeant marshal sheriff deputy commissioner superintendent chancellor premier speaker
    treasurer auditor dean principal pastor priest bishop pope rabbi imam cleric king queen prince princess
    hopeful frontrunner runner billionaire mogul tycoon star actor actress singer celebrity coach player""".split()
)

# Words that make a speaker a news outlet.
MEDIA_WORDS = frozenset(
    """times post journal news newspaper newspapers media tv television broadcaster
    agency reuters ap afp bloomberg cnn nbc abc cbs bbc fox msnbc npr axios politico
    guardian telegraph tass irna isna interfax xinhua report reports reporter reporters
    magazine outlet outlets wire daily herald tribune gazette courier ledger press
    radio channel website site network networks station""".split()
)

# Nouns that make an unnamed speaker an organisation ("the port authority said").
ORGANISATION_HEADS = frozenset(
    """authority authorities ministry department agency council government administration police office
    committee company firm campaign commission court party board bank union association institute
    university group organization organisation foundation army military navy embassy parliament congress
    senate house cabinet regime service services coalition alliance federation country countries
    nation nations""".split()
)

# Nouns that make an unnamed speaker a document: what a poll, study or finding shows, what a
# memo or a filing says ("A subsequent US intelligence finding said ..."). The findings are the
# verb lexicon's finding nouns; a document is the one that article cites, never merged with
# another article's "the study".
DOCUMENT_HEADS = FINDING_SOURCES | frozenset(
    """report reports document documents memo memos memorandum filing filings dossier cable cables indictment
    assessment assessments review""".split()
)

# Words that lead a description of one member of an unnamed group ("one of two Iranian officials",
# "One engineer", "an Israeli official"), not of the group ("two engineers", "Iranian officials").
MEMBER_LEADS = frozenset("one a an another each either".split())
# ... unless "a" opens a description of several: "a few officials", "a group of engineers".
SEVERAL_AFTER_A = frozenset("few number group dozen handful couple pair team panel host majority minority".split())


def names_one_member(description: str) -> bool:
    """Whether an unnamed speaker's description names one member of a group: a group's statement
    is named by the group's description, never by a member's, where the story has both."""
    words = description.casefold().split(None, 2)
    if not words or words[0] not in MEMBER_LEADS:
        return False
    return not (words[0] in ("a", "an") and len(words) > 1 and words[1] in SEVERAL_AFTER_A)


QUANTIFIERS = frozenset("one some many several most none all few both each either neither".split())

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "i", "me"})
GROUP_PRONOUNS = frozenset({"they", "we", "them", "us"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})

# Words that lead a line with a colon without speaking ("Related: ...", "Photo: ...").
NOT_SPEAKERS = frozenset(
    """related photo photos video update note editor read watch see source sources credit image caption
    tags topics warning disclosure correction clarification more also advertisement q a""".split()
)
