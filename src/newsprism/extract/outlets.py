"""One canonical id per news outlet, whatever the spelling.

``canonical_outlet`` maps a name, a bare host or a URL to ``(id, display)``
using the table below; ``outlet_identity`` adds a readable fallback for
outlets the table does not know. ``find_outlet_mentions`` finds outlet names
in running text with one compiled regex (a character trie, so the cost does
not grow with the size of the table), and resolves short forms such as
"the Times" only from context: a fuller mention in the same text, the
article's own outlet, or a single corpus outlet with that short form.
"""

from __future__ import annotations

import re
import re._compiler
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

# id | display | kind | running-text aliases (case-sensitive, ";"-separated) | hosts | short forms
# Short forms are only resolved in context ("the Times" -> whichever *Times
# the text already named). kind "wire" covers news agencies and syndicates:
# their name in a byline, dateline or copyright line means the text is theirs.
_TABLE = """
ap | The Associated Press | wire | Associated Press;AP;A.P.;AP News | apnews.com;ap.org |
reuters | Reuters | wire | Reuters;REUTERS;Thomson Reuters | reuters.com |
afp | Agence France-Presse | wire | Agence France-Presse;Agence France Presse;AFP | afp.com |
upi | United Press International | wire | United Press International;UPI | upi.com |
dpa | Deutsche Presse-Agentur | wire | Deutsche Presse-Agentur;dpa;DPA | dpa.com;dpa-international.com |
ani | Asian News International | wire | Asian News International;ANI | aninews.in |
pti | Press Trust of India | wire | Press Trust of India;PTI | ptinews.com |
ians | IANS | wire | Indo-Asian News Service;IANS | ians.in |
xinhua | Xinhua | wire | Xinhua News Agency;Xinhua;XINHUA | xinhuanet.com;news.cn;english.news.cn |
jns | Jewish News Syndicate | wire | Jewish News Syndicate;JNS;JNS.org | jns.org |
jta | Jewish Telegraphic Agency | wire | Jewish Telegraphic Agency;JTA | jta.org |
tca | Tribune Content Agency | wire | Tribune Content Agency;Tribune News Service | tribunecontentagency.com |
bloomberg | Bloomberg | wire | Bloomberg News;Bloomberg | bloomberg.com |
kyodo | Kyodo News | wire | Kyodo News;Kyodo | kyodonews.net;english.kyodonews.net |
yonhap | Yonhap | wire | Yonhap News Agency;Yonhap | yna.co.kr;en.yna.co.kr |
efe | EFE | wire | Agencia EFE;EFE | efe.com |
ansa | ANSA | wire | ANSA | ansa.it |
anadolu | Anadolu Agency | wire | Anadolu Agency;Anadolu | aa.com.tr |
irna | IRNA | wire | Islamic Republic News Agency;IRNA | irna.ir;en.irna.ir |
tasnim | Tasnim | wire | Tasnim News Agency;Tasnim | tasnimnews.com |
fars | Fars News Agency | wire | Fars News Agency;Fars News | farsnews.ir |
mehr | Mehr News Agency | wire | Mehr News Agency;Mehr News | mehrnews.com |
isna | ISNA | wire | Iranian Students' News Agency;ISNA | isna.ir |
tass | TASS | wire | TASS;Tass | tass.com;tass.ru |
ria | RIA Novosti | wire | RIA Novosti;RIA | ria.ru |
interfax | Interfax | wire | Interfax | interfax.com;interfax.ru |
sputnik | Sputnik | outlet | Sputnik News;Sputnik | sputniknews.com;sputnikglobe.com |
wafa | WAFA | wire | WAFA | wafa.ps;english.wafa.ps |
conversation | The Conversation | wire | The Conversation | theconversation.com |
kff | KFF Health News | wire | KFF Health News;Kaiser Health News | kffhealthnews.org;khn.org |
pa | PA Media | wire | PA Media;Press Association | pamediagroup.com;pa.media |
cna | Central News Agency | wire | Central News Agency;Focus Taiwan | focustaiwan.tw;cna.com.tw |
catholicnewsagency | Catholic News Agency | wire | Catholic News Agency | catholicnewsagency.com |
bernama | Bernama | wire | Bernama | bernama.com |
antara | Antara | wire | Antara News Agency;Antara News | antaranews.com |
kuna | Kuwait News Agency | wire | Kuwait News Agency | kuna.net.kw |
wam | Emirates News Agency | wire | Emirates News Agency | wam.ae |
qna | Qatar News Agency | wire | Qatar News Agency | qna.org.qa |
mena | Middle East News Agency | wire | Middle East News Agency | mena.org.eg |
app | Associated Press of Pakistan | wire | Associated Press of Pakistan | app.com.pk |
bss | Bangladesh Sangbad Sangstha | wire | Bangladesh Sangbad Sangstha | bssnews.net |
prensalatina | Prensa Latina | wire | Prensa Latina | prensa-latina.cu;plenglish.com |
cp | The Canadian Press | wire | Canadian Press | thecanadianpress.com |
aap | Australian Associated Press | wire | Australian Associated Press | aap.com.au |
nytimes | The New York Times | outlet | New York Times;NYT;N.Y. Times;NY Times;nytimes.com | nytimes.com;nyti.ms | Times
wsj | The Wall Street Journal | outlet | Wall Street Journal;WSJ;wsj.com | wsj.com | Journal
wapo | The Washington Post | outlet | Washington Post;WaPo;washingtonpost.com | washingtonpost.com | Post
latimes | Los Angeles Times | outlet | Los Angeles Times;LA Times;L.A. Times | latimes.com | Times
nypost | New York Post | outlet | New York Post;NY Post | nypost.com | Post
usatoday | USA Today | outlet | USA Today;USA TODAY | usatoday.com |
nbcnews | NBC News | outlet | NBC News;NBC | nbcnews.com;nbc.com |
cbsnews | CBS News | outlet | CBS News;CBS | cbsnews.com |
abcnews | ABC News | outlet | ABC News;ABC | abcnews.go.com;abcnews.com |
cnn | CNN | outlet | CNN;Cable News Network | cnn.com;edition.cnn.com |
foxnews | Fox News | outlet | Fox News;Fox News Channel;Fox News Digital | foxnews.com |
msnbc | MSNBC | outlet | MSNBC | msnbc.com |
npr | NPR | outlet | National Public Radio;NPR | npr.org |
pbs | PBS | outlet | PBS NewsHour;PBS | pbs.org |
huffpost | HuffPost | outlet | HuffPost;Huffington Post;HuffPo | huffpost.com;huffingtonpost.com |
axios | Axios | outlet | Axios | axios.com |
politico | Politico | outlet | Politico;POLITICO | politico.com;politico.eu |
thehill | The Hill | outlet | The Hill | thehill.com |
breitbart | Breitbart | outlet | Breitbart News;Breitbart | breitbart.com |
dailywire | The Daily Wire | outlet | Daily Wire | dailywire.com |
dailycaller | The Daily Caller | outlet | Daily Caller | dailycaller.com |
newsmax | Newsmax | outlet | Newsmax | newsmax.com |
nationalreview | National Review | outlet | National Review | nationalreview.com |
washingtonexaminer | Washington Examiner | outlet | Washington Examiner | washingtonexaminer.com |
washingtontimes | The Washington Times | outlet | Washington Times | washingtontimes.com | Times
vox | Vox | outlet | Vox | vox.com |
slate | Slate | outlet | Slate | slate.com |
atlantic | The Atlantic | outlet | The Atlantic | theatlantic.com |
newyorker | The New Yorker | outlet | New Yorker | newyorker.com |
time | Time | outlet | Time magazine;TIME | time.com |
newsweek | Newsweek | outlet | Newsweek | newsweek.com |
motherjones | Mother Jones | outlet | Mother Jones | motherjones.com |
propublica | ProPublica | outlet | ProPublica | propublica.org |
theintercept | The Intercept | outlet | The Intercept | theintercept.com |
buzzfeed | BuzzFeed News | outlet | BuzzFeed News;BuzzFeed | buzzfeednews.com;buzzfeed.com |
vice | Vice News | outlet | Vice News;VICE News | vice.com |
yahoo | Yahoo News | outlet | Yahoo News;Yahoo | news.yahoo.com;yahoo.com |
businessinsider | Business Insider | outlet | Business Insider | businessinsider.com;insider.com |
cnbc | CNBC | outlet | CNBC | cnbc.com |
forbes | Forbes | outlet | Forbes | forbes.com |
fortune | Fortune | outlet | Fortune magazine | fortune.com |
chicagotribune | Chicago Tribune | outlet | Chicago Tribune | chicagotribune.com | Tribune
bostonglobe | The Boston Globe | outlet | Boston Globe | bostonglobe.com | Globe
miamiherald | Miami Herald | outlet | Miami Herald | miamiherald.com | Herald
sfchronicle | San Francisco Chronicle | outlet | San Francisco Chronicle | sfchronicle.com | Chronicle
voa | Voice of America | outlet | Voice of America;VOA | voanews.com |
rferl | Radio Free Europe/Radio Liberty | outlet | Radio Free Europe/Radio Liberty;Radio Free Europe;RFE/RL | rferl.org |
bbc | BBC | outlet | BBC News;BBC;British Broadcasting Corporation | bbc.com;bbc.co.uk |
guardian | The Guardian | outlet | The Guardian;the Guardian;Guardian newspaper | theguardian.com;guardian.co.uk |
thetimes | The Times (London) | outlet | Times of London;The Times of London;The Sunday Times | thetimes.co.uk;thetimes.com |
telegraph | The Telegraph | outlet | The Telegraph;the Telegraph;Daily Telegraph;Sunday Telegraph | telegraph.co.uk |
independent | The Independent | outlet | The Independent | independent.co.uk |
ft | Financial Times | outlet | Financial Times;FT | ft.com |
economist | The Economist | outlet | The Economist;the Economist | economist.com |
dailymail | Daily Mail | outlet | Daily Mail;MailOnline;Mail Online | dailymail.co.uk |
sky | Sky News | outlet | Sky News | news.sky.com;sky.com |
itv | ITV News | outlet | ITV News | itv.com |
mirror | The Mirror | outlet | Daily Mirror | mirror.co.uk |
sun | The Sun | outlet | The Sun | thesun.co.uk |
express | Daily Express | outlet | Daily Express | express.co.uk |
spectator | The Spectator | outlet | The Spectator | spectator.co.uk |
newstatesman | New Statesman | outlet | New Statesman | newstatesman.com |
euronews | Euronews | outlet | Euronews | euronews.com |
dw | Deutsche Welle | outlet | Deutsche Welle;DW | dw.com |
france24 | France 24 | outlet | France 24;FRANCE 24 | france24.com |
lemonde | Le Monde | outlet | Le Monde | lemonde.fr |
spiegel | Der Spiegel | outlet | Der Spiegel;Spiegel | spiegel.de |
rt | RT | outlet | Russia Today;RT | rt.com |
kyivindependent | The Kyiv Independent | outlet | Kyiv Independent | kyivindependent.com |
moscowtimes | The Moscow Times | outlet | Moscow Times | themoscowtimes.com | Times
aljazeera | Al Jazeera | outlet | Al Jazeera;Al-Jazeera;Aljazeera | aljazeera.com;aljazeera.net |
alarabiya | Al Arabiya | outlet | Al Arabiya;Al-Arabiya | alarabiya.net;english.alarabiya.net |
almonitor | Al-Monitor | outlet | Al-Monitor;Al Monitor | al-monitor.com |
presstv | Press TV | outlet | Press TV;PressTV | presstv.ir;presstv.com |
iranintl | Iran International | outlet | Iran International | iranintl.com |
timesofisrael | The Times of Israel | outlet | Times of Israel;ToI | timesofisrael.com |
jpost | The Jerusalem Post | outlet | Jerusalem Post;JPost | jpost.com | Post
ynet | Ynetnews | outlet | Ynetnews;Ynet;Yedioth Ahronoth;Yediot Aharonot | ynetnews.com;ynet.co.il |
haaretz | Haaretz | outlet | Haaretz | haaretz.com;haaretz.co.il |
i24news | i24NEWS | outlet | i24NEWS;i24 News | i24news.tv |
israelhayom | Israel Hayom | outlet | Israel Hayom | israelhayom.com |
worldisraelnews | World Israel News | outlet | World Israel News | worldisraelnews.com |
arutzsheva | Arutz Sheva | outlet | Arutz Sheva;Israel National News | israelnationalnews.com |
kan | Kan | outlet | Kan News;Kan public broadcaster | kan.org.il |
channel12 | Channel 12 | outlet | Channel 12;N12 | mako.co.il |
scmp | South China Morning Post | outlet | South China Morning Post;SCMP | scmp.com | Post
globaltimes | Global Times | outlet | Global Times | globaltimes.cn | Times
cgtn | CGTN | outlet | CGTN | cgtn.com |
chinadaily | China Daily | outlet | China Daily | chinadaily.com.cn |
nikkei | Nikkei Asia | outlet | Nikkei Asia;Nikkei | asia.nikkei.com;nikkei.com |
japantimes | The Japan Times | outlet | Japan Times | japantimes.co.jp | Times
timesofindia | The Times of India | outlet | Times of India | timesofindia.indiatimes.com;indiatimes.com |
hindustantimes | Hindustan Times | outlet | Hindustan Times | hindustantimes.com |
thehindu | The Hindu | outlet | The Hindu | thehindu.com |
ndtv | NDTV | outlet | NDTV | ndtv.com |
dawn | Dawn | outlet | Dawn newspaper | dawn.com |
abcau | ABC (Australia) | outlet | Australian Broadcasting Corporation | abc.net.au |
smh | The Sydney Morning Herald | outlet | Sydney Morning Herald | smh.com.au | Herald
cbc | CBC News | outlet | CBC News;CBC;Canadian Broadcasting Corporation | cbc.ca |
globeandmail | The Globe and Mail | outlet | Globe and Mail | theglobeandmail.com |
"""

# Spellings accepted as a whole outlet field (dataset codes, casual names) but
# too ambiguous to look for in running text.
_NAME_ONLY = {"fox": "foxnews", "hpo": "huffpost", "huff post": "huffpost", "wash post": "wapo", "nyt": "nytimes"}

# Generic last words that never identify an outlet on their own ("the News").
_GENERIC_SHORT = frozenset(
    "news network media tv radio service agency online channel group daily press digital magazine".split()
)

_PUBLIC_SUFFIX_2 = frozenset(
    "co.uk org.uk ac.uk gov.uk com.au net.au org.au co.il org.il co.nz co.za com.br com.tr co.in "
    "co.jp com.cn com.hk com.sg com.pk com.ng co.ke com.mx com.ar".split()
)
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.", "edition.", "en.", "english.", "news.")


@dataclass(frozen=True, slots=True)
class OutletInfo:
    id: str
    display: str
    kind: str  # "wire" (agency or syndicate) or "outlet"
    aliases: tuple[str, ...]
    hosts: tuple[str, ...]
    short: str | None


def _parse_table(raw: str) -> dict[str, OutletInfo]:
    out: dict[str, OutletInfo] = {}
    for line in raw.strip().splitlines():
        cells = [c.strip() for c in line.split("|")]
        oid, display, kind, aliases, hosts = cells[:5]
        short = cells[5] if len(cells) > 5 and cells[5] else None
        out[oid] = OutletInfo(
            oid,
            display,
            kind,
            tuple(a for a in aliases.split(";") if a),
            tuple(h for h in hosts.split(";") if h),
            short,
        )
    return out


def _name_key(name: str) -> str:
    """Spelling-insensitive lookup key: "The New York Times." -> "new york times"."""
    s = name.casefold().replace("’", "'").strip()
    s = re.sub(r"^the\s+", "", s)
    s = re.sub(r"[^\w&/+' -]+", "", s)
    return re.sub(r"[\s-]+", " ", s).strip()


def slug(name: str) -> str:
    """Fallback id for an outlet the table does not know: "The Kestrel Courier" -> "kestrelcourier"."""
    return re.sub(r"[^0-9a-z]+", "", re.sub(r"^the\s+", "", name.casefold().strip()))


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, OutletInfo], dict[str, str], dict[str, str]]:
    """(id -> info, name key -> id, host -> id); built once, read-only."""
    infos = _parse_table(_TABLE)
    by_name: dict[str, str] = {}
    by_host: dict[str, str] = {}
    for info in infos.values():
        for a in (info.display, *info.aliases):
            by_name.setdefault(_name_key(a), info.id)
        by_name.setdefault(info.id, info.id)
        for h in info.hosts:
            by_host[h] = info.id
            by_name.setdefault(_name_key(h), info.id)
    for alias, oid in _NAME_ONLY.items():
        by_name.setdefault(alias, oid)
    return infos, by_name, by_host


def outlet_info(outlet_id: str) -> OutletInfo | None:
    return _tables()[0].get(outlet_id)


def wire_outlets() -> list[OutletInfo]:
    """The news agencies and syndicates of the table, in table order."""
    return [info for info in _tables()[0].values() if info.kind == "wire"]


def is_wire(outlet_id: str | None) -> bool:
    """True for news agencies and syndicates (AP, Reuters, JNS, ...)."""
    info = outlet_info(outlet_id) if outlet_id else None
    return info is not None and info.kind == "wire"


def host_of(value: str) -> str | None:
    """The lowercased host of a URL or bare host, without "www." and port; None if not host-like."""
    v = value.strip()
    if not v or " " in v:
        return None
    if "://" not in v:
        if "." not in v or not re.match(r"^[\w.-]+\.[a-z]{2,}(?:[:/].*)?$", v, re.I):
            return None
        v = "//" + v
    try:
        host = (urlsplit(v).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    return host[4:] if host.startswith("www.") else host


def _lookup_host(host: str) -> str | None:
    by_host = _tables()[2]
    labels = host.split(".")
    # "edition.cnn.com" -> "cnn.com": try the host, then each parent domain.
    for i in range(len(labels) - 1):
        oid = by_host.get(".".join(labels[i:]))
        if oid:
            return oid
    return None


def canonical_outlet(name_or_host_or_url: str) -> tuple[str, str] | None:
    """(id, display name) of a well-known outlet, or None when the table does not know it."""
    if not name_or_host_or_url or not name_or_host_or_url.strip():
        return None
    infos, by_name, _ = _tables()
    host = host_of(name_or_host_or_url)
    oid = _lookup_host(host) if host else None
    if oid is None:
        oid = by_name.get(_name_key(name_or_host_or_url))
    return (oid, infos[oid].display) if oid else None


def _registrable_label(host: str) -> str:
    labels = host.split(".")
    while len(labels) > 2 and labels[0] + "." in _HOST_PREFIXES:
        labels = labels[1:]
    cut = 2 if ".".join(labels[-2:]) in _PUBLIC_SUFFIX_2 and len(labels) > 2 else 1
    return labels[-cut - 1] if len(labels) > cut else labels[0]


def readable_host_name(host: str) -> str:
    """ "the-kestrel-courier.co.uk" -> "The Kestrel Courier"; "ynetnews.com" -> "Ynetnews"."""
    label = _registrable_label(host)
    return " ".join(w[:1].upper() + w[1:] for w in re.split(r"[-_]+", label) if w)


def outlet_identity(name_or_host_or_url: str) -> tuple[str, str]:
    """Like canonical_outlet, with a fallback for unknown outlets (slug id, readable name)."""
    known = canonical_outlet(name_or_host_or_url)
    if known:
        return known
    host = host_of(name_or_host_or_url)
    if host:
        name = readable_host_name(host)
        return slug(_registrable_label(host)), name
    name = re.sub(r"\s+", " ", name_or_host_or_url).strip().strip(".,;:")
    return slug(name) or "unknown", name


# ---------------------------------------------------------------- running text


def trie_regex(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, factored as a character trie (longest first)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return "(?:" + body + ")?"
        return body

    return build(trie)


# A one-word outlet name followed by another capitalised word is part of a
# longer name ("the Guardian Council", "Times Square", "Reuters Institute").
_NAME_GOES_ON = re.compile(
    r"[ \t]+(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May"
    r"|June|July|August|September|October|November|December|On|In|At|That|This|The|But|And|As|After)\b)[A-Z][a-z]"
)


@dataclass(frozen=True)
class _Matcher:
    regex: re.Pattern[str]
    full: dict[str, str]  # alias as printed -> id
    short: dict[str, frozenset[str]]  # short form ("Times") -> ids that use it


@lru_cache(maxsize=1)
def _known_forms() -> tuple[dict[str, str], dict[str, set[str]]]:
    """Full aliases and short forms of the outlets in the table."""
    full: dict[str, str] = {}
    short: dict[str, set[str]] = {}
    for info in _tables()[0].values():
        for a in info.aliases:
            full.setdefault(a, info.id)
        if info.short:
            short.setdefault(info.short, set()).add(info.id)
    return full, short


def _extra_forms(extra: Iterable[str]) -> frozenset[tuple[str, str, str]]:
    """(full form, id, short form or "") that the story's outlet names add to the table.

    Names the table already knows add nothing, so a story whose outlets are all
    known shares the one compiled matcher instead of compiling its own.
    """
    infos = _tables()[0]
    full, short = _known_forms()
    out: set[tuple[str, str, str]] = set()
    for name in extra:
        oid, display = outlet_identity(name)
        bare = re.sub(r"^[Tt]he\s+", "", display if oid in infos else name.strip())
        if len(bare) < 3:
            continue
        last = bare.split()[-1]
        if not (len(bare.split()) > 1 and last[:1].isupper() and last.casefold() not in _GENERIC_SHORT):
            last = ""
        if bare not in full or (last and oid not in short.get(last, ())):
            out.add((bare, oid, last))
    return frozenset(out)


@lru_cache(maxsize=64)
def _matcher(extra: frozenset[tuple[str, str, str]]) -> _Matcher:
    known_full, known_short = _known_forms()
    full = dict(known_full)
    short = {k: set(v) for k, v in known_short.items()}
    for bare, oid, last in sorted(extra):
        full.setdefault(bare, oid)
        if last:
            short.setdefault(last, set()).add(oid)
    names = trie_regex(full)
    shorts = trie_regex(short)
    # The first-character lookahead lets the regex engine skip most positions cheaply.
    first = "[" + re.escape("".join(sorted({a[0] for a in full} | {"T", "t"}))) + "]"
    # Group 1: a full name, optionally preceded by "the". Group 2: "the" + a short form.
    pattern = rf"(?={first})(?<![\w.@/-])(?:(?:[Tt]he\s+)?({names})|[Tt]he\s+[\"“]?({shorts})[\"”]?)(?![\w-]|\.\w)"
    # Compiled past re's own cache: it would keep every story's matcher (some 24-70 KB of
    # code each, one per set of outlets the table lacks) until 512 of them, long after
    # this cache let go of them; a watch grew by them round after round.
    return _Matcher(re._compiler.compile(pattern, 0), full, {k: frozenset(v) for k, v in short.items()})


def find_outlet_mentions(
    text: str, *, outlets: Iterable[str] = (), context: Iterable[str] = ()
) -> list[tuple[int, int, str]]:
    """Outlet names in running text as (start, end, outlet_id), in text order.

    ``outlets``: extra outlet names to recognise (e.g. every Article.outlet of
    the corpus), so invented or local outlets are found too. ``context``: ids
    that short forms may refer to even if the text never names them in full
    (e.g. the article's own outlet_id).
    """
    m = _matcher(_extra_forms(o for o in outlets if o))
    extra_ids = {outlet_identity(o)[0] for o in outlets if o}
    found: list[tuple[int, int, str]] = []
    pending: list[tuple[int, int, str]] = []
    for hit in m.regex.finditer(text):
        word = hit.group(1) or hit.group(2)
        if " " not in word.removeprefix("The ").removeprefix("the ") and _NAME_GOES_ON.match(text, hit.end()):
            continue
        if hit.group(1) is not None:
            found.append((hit.start(), hit.end(), m.full[hit.group(1)]))
        else:
            pending.append((hit.start(), hit.end(), hit.group(2)))
    if pending:
        found.extend(_resolve_short(pending, found, m.short, set(context), extra_ids))
        found.sort()
    return found


def _resolve_short(
    pending: list[tuple[int, int, str]],
    found: list[tuple[int, int, str]],
    short: dict[str, frozenset[str]],
    context: set[str],
    corpus: set[str],
) -> list[tuple[int, int, str]]:
    out = []
    for start, end, word in pending:
        ids = short.get(word, frozenset())
        named = [(s, oid) for s, _, oid in found if oid in ids]
        if len({oid for _, oid in named}) == 1:
            out.append((start, end, named[0][1]))
            continue
        if named:
            # Several candidates: the nearest one named before this mention.
            before = [oid for s, oid in named if s < start]
            out.append((start, end, before[-1] if before else named[0][1]))
            continue
        for pool in (context & ids, corpus & ids):
            if len(pool) == 1:
                out.append((start, end, next(iter(pool))))
                break
    return out
