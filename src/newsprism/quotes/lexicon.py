"""Word lists behind the speaker rules: who a speaker is (anonymous, an outlet, an organisation).

The verbs of saying are in ``newsprism.verbs``, the one lexicon of speech and
reporting verbs.
"""

from __future__ import annotations

from newsprism.verbs import FINDING_SOURCES

# Nouns that make a speaker anonymous when no name comes with them.
ANONYMOUS_HEADS = frozenset(
    """source sources official officials person people aide aides diplomat diplomats
    insider insiders analyst analysts expert experts observer observers someone
    spokesman spokeswoman spokesperson representative representatives member members
    staffer staffers adviser advisers advisor advisors officer officers witness witnesses
    resident residents engineer engineers employee employees worker workers critic critics
    supporter supporters lawmaker lawmakers legislator legislators colleague colleagues
    friend friends ally allies associate associates individual individuals""".split()
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
    senate house cabinet regime service services coalition alliance federation""".split()
)

# Nouns that make an unnamed speaker a document: what a poll, study or finding shows, what a
# memo or a filing says ("A subsequent US intelligence finding said ..."). The findings are the
# verb lexicon's finding nouns; a document is the one that article cites, never merged with
# another article's "the study".
DOCUMENT_HEADS = FINDING_SOURCES | frozenset(
    """report reports document documents memo memos memorandum filing filings dossier cable cables indictment
    assessment assessments review""".split()
)

QUANTIFIERS = frozenset("one some many several most none all few both each either neither".split())

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "i", "me"})
GROUP_PRONOUNS = frozenset({"they", "we", "them", "us"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})

# Words that lead a line with a colon without speaking ("Related: ...", "Photo: ...").
NOT_SPEAKERS = frozenset(
    """related photo photos video update note editor read watch see source sources credit image caption
    tags topics warning disclosure correction clarification more also advertisement q a""".split()
)
