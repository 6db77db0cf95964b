"""Word lists behind the attribution rules.

The cue verbs were checked on the PolNeAR train split (never on dev). PolNeAR counts
beliefs, intentions and evidence ("polls show", "he believes", "she wants
to") as attributions, so those verbs are here too, each with the kinds of
complement it may take.
"""

from __future__ import annotations

# Verbs of saying: a clause complement, a quotation, or an inverted "..., X said".
SPEECH = frozenset(
    """say tell add write note ask report announce explain argue claim tweet state insist
    declare warn acknowledge admit recall reply respond suggest conclude testify comment
    remark quip joke confirm deny predict assert allege contend maintain stress emphasize
    emphasise observe complain concede promise pledge vow urge post exclaim reveal mention
    indicate hint boast lament charge caution retort counter recount shout yell whisper
    proclaim affirm reiterate repeat speculate assure inform advise recommend point
    tout brag estimate agree disagree question wonder muse scoff tease continue
    """.split()
)

# Beliefs, knowledge and evidence: a clause complement only.
COGNITION = frozenset(
    """think believe know feel fear hope expect worry doubt guess assume suppose
    understand realize realise learn find show prove demonstrate reckon bet
    figure imagine acknowledge recognize recognise consider hear see read
    """.split()
)

# Intentions and stances: a to-infinitive complement ("wants to", "vowed to").
INTENT = frozenset(
    """want plan intend decide refuse decline seek hope expect promise pledge vow threaten
    offer propose urge ask call push agree aim attempt prefer wish vote
    """.split()
)

# Verbs whose object is what was said ("criticized the deal", "expressed readiness").
OBJECT = frozenset(
    """announce confirm deny criticize criticise praise propose describe express emphasize
    emphasise stress reject dismiss defend oppose endorse question highlight reveal
    blame demand recommend condemn applaud welcome acknowledge admit predict promise
    pledge vow suggest call cite mention underscore underline echo
    """.split()
)

# Verbs taking "for"/"on"/"about" + what was said ("called for a ban").
PREP_OBJECT = {
    "call": {"for", "on"},
    "ask": {"for", "about"},
    "push": {"for"},
    "argue": {"for", "against"},
    "advocate": {"for"},
    "warn": {"of", "about", "against"},
    "talk": {"about"},
    "speak": {"about", "of"},
    "complain": {"about", "of"},
    "boast": {"about", "of"},
    "comment": {"on"},
}

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

QUANTIFIERS = frozenset("one some many several most none all few both each either neither".split())

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "i", "me"})
GROUP_PRONOUNS = frozenset({"they", "we", "them", "us"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})

# Words that lead a line with a colon without speaking ("Related: ...", "Photo: ...").
NOT_SPEAKERS = frozenset(
    """related photo photos video update note editor read watch see source sources credit image caption
    tags topics warning disclosure correction clarification more also advertisement q a""".split()
)
