"""Real web pages: body text trafilatura leaves loose, boilerplate-only pages, gzipped
pages, and the metadata a page carries (headline, byline, date, outlet), each cleaned.

Every page here is invented (the Tamsin Bay story); the real benchmark pages are
scored in test_extraction_quality.py.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from newsprism.extract.metadata import parse_author_field, parse_byline
from newsprism.ingest import Limits, ingest, iter_inputs
from newsprism.ingest.reading import article_record, read_articles
from newsprism.model import Article, Problem

P = [
    "Harbour pilots at Tamsin Bay voted on Monday to strike over new night shifts, the pilots' guild said, "
    "in a dispute that could halt container traffic for a week.",
    "The guild said 41 of its 44 members backed the walkout after the port authority doubled the number of "
    "night shifts each pilot must work from March.",
    "Port director Ilse Varga said the authority would meet the guild on Wednesday and hoped to avoid any "
    "disruption to shipping.",
    "Shipping lines have been told to expect delays of up to two days for vessels arriving after Friday, "
    "according to a notice sent to agents.",
]
HEADLINE = "Harbour pilots vote to strike over night shifts"
COOKIES = "We use cookies to improve your experience on our site. By continuing you agree to our cookie policy."


def page(*, head: str = "", body: str | None = None, ld: dict | None = None, h1: str = HEADLINE) -> str:
    script = f'<script type="application/ld+json">{json.dumps(ld)}</script>' if ld else ""
    if body is None:
        body = f"<article><h1>{h1}</h1>" + "".join(f"<p>{p}</p>" for p in P) + "</article>"
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}{script}</head><body>{body}</body></html>"


def meta(key: str, value: str) -> str:
    attr = "property" if ":" in key else "name"
    return f'<meta {attr}="{key}" content="{value}">'


def read_page(tmp_path: Path, html: str, name: str = "page.html") -> Article:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    items = list(read_articles([str(path)]))
    assert [i for i in items if isinstance(i, Problem)] == []
    (article,) = items
    assert isinstance(article, Article)
    return article


# ---------------------------------------------------------------- body text


def test_text_left_loose_after_a_heading_or_in_a_container_is_kept(tmp_path: Path) -> None:
    body = (
        f"<article><h1>{HEADLINE}</h1>{P[0]}<h2>Night shifts</h2>{P[1]}"
        f"<p>{P[2]}</p><div>{P[3]}<br><br>Agents were told on Tuesday.</div></article>"
    )
    a = read_page(tmp_path, page(body=body))
    assert a.text.split("\n\n") == [HEADLINE, P[0], "Night shifts", P[1], P[2], P[3], "Agents were told on Tuesday."]


def test_a_quote_of_several_paragraphs_keeps_them_apart(tmp_path: Path) -> None:
    body = f"<article><h1>{HEADLINE}</h1><p>{P[0]}</p><blockquote><p>{P[1]}</p><p>{P[2]}</p></blockquote><p>{P[3]}</p></article>"
    a = read_page(tmp_path, page(body=body))
    assert P[1] in a.text.split("\n\n") and P[2] in a.text.split("\n\n")


def test_an_empty_precision_read_is_retried_in_recall_mode(tmp_path: Path) -> None:
    # trafilatura's precision mode reads nothing from a story kept in an <aside>.
    body = "<aside>" + "".join(f"<p>{p}</p>" for p in P) + f"</aside><div><p>{COOKIES}</p></div>"
    a = read_page(tmp_path, page(body=body))
    assert a.text.split("\n\n") == P


# A Japanese news brief of four sentences: 155 letters (CJK characters, each holding about what two letters do).
JAPANESE = [
    "東京都の港湾局は月曜日、夜間勤務をめぐる水先案内人組合のストライキが木曜日から始まると発表した。",
    "組合によると、四十四人の組合員のうち四十一人がストライキに賛成し、港湾局との交渉は決裂した。",
    "港湾局の担当者は、水曜日に組合と話し合い、船舶の運航への影響をできるだけ避けたいと述べた。",
    "コンテナ船の入港は最大で二日遅れる見通しだという。",
]


def test_the_scrap_test_weighs_text_as_the_body_rule_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One count of how much text a page holds (``base.count_letters``), for the 250-letter scrap
    test as for the no-body rule: a Japanese brief of 155 characters is no scrap, and is read once,
    as an English brief of as much text is. The scrap test counted a CJK character as one letter,
    the body rule as two, so it was read a second time, in recall mode."""
    from newsprism.ingest import htmlpage

    assert sum(c.isalnum() for p in JAPANESE for c in p) == 155
    reads: list[str] = []
    extract = htmlpage._extract

    def counted(tree: object, url: str | None, *, favor: str) -> object:
        reads.append(favor)
        return extract(tree, url, favor=favor)

    monkeypatch.setattr(htmlpage, "_extract", counted)
    once, twice = ["precision"], ["precision", "recall"]
    for paragraphs, expected in ((JAPANESE, once), (P[:1], twice), (P[:3], once)):  # P[:1]: 128 letters, P[:3]: 351
        reads.clear()
        a = read_page(tmp_path, page(body="<article><h1>港湾</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article>"))
        assert a.text.split("\n\n")[1:] == paragraphs
        assert reads == expected, paragraphs[0]


@pytest.mark.parametrize(
    "notice",
    [COOKIES, "This article was originally published by the Tamsin Bay Chronicle and is republished with permission."],
)
def test_a_page_of_nothing_but_notices_is_skipped_with_a_warning(tmp_path: Path, notice: str) -> None:
    body = "<div class='comments'>" + "".join(f"<p>{p}</p>" for p in P) + f"</div><article><p>{notice}</p></article>"
    path = tmp_path / "notice.html"
    path.write_text(page(body=body), encoding="utf-8")
    result = ingest([str(path)])
    assert result.articles == []
    assert [(p.reason, p.path) for p in result.problems] == [("boilerplate", str(path))]


# ---------------------------------------------------------------- gzipped pages


def test_gzipped_pages_are_read_in_a_folder_named_directly_and_from_stdin(tmp_path: Path) -> None:
    html = page(head=meta("og:site_name", "Tamsin Bay Chronicle")).encode()
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "pilots.html.gz").write_bytes(gzip.compress(html))
    (tmp_path / "site" / "notes.txt.gz").write_bytes(gzip.compress(("Pilots' notes\n\n" + P[1]).encode()))
    (tmp_path / "odd.dat").write_bytes(gzip.compress(html))  # no known extension: sniffed after decompressing
    folder = ingest([str(tmp_path / "site")])
    assert folder.problems == []
    assert sorted(a.id for a in folder.articles) == ["notes", "pilots"]
    named = ingest([str(tmp_path / "site" / "pilots.html.gz"), str(tmp_path / "odd.dat")])
    assert named.problems == [] and [a.outlet for a in named.articles] == ["Tamsin Bay Chronicle"] * 2
    piped = list(iter_inputs(["-"], stdin=io.BytesIO(gzip.compress(html))))
    assert [a.outlet for a in piped] == ["Tamsin Bay Chronicle"]


def test_a_gzipped_page_is_capped_by_what_it_holds_not_its_size_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "big.html.gz"
    path.write_bytes(gzip.compress(page(body="<p>" + "x " * 200_000 + "</p>").encode()))
    result = ingest([str(path)], limits=Limits(article_bytes=100_000))
    assert [p.reason for p in result.problems] == ["too-large"]


def test_a_broken_gzip_says_so_and_a_plain_file_named_gz_is_read_as_what_it_holds(tmp_path: Path) -> None:
    # gzip is recognised by its magic bytes, not the name (ingest.limits.open_file).
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(gzip.compress(page().encode())[:200])
    (problem,) = ingest([str(broken)]).problems
    assert "WARC" not in problem.message and "gzip" in problem.message.lower()
    plain = tmp_path / "plain.html.gz"
    plain.write_bytes(page().encode())
    assert [a.title for a in ingest([str(plain)]).articles] == [HEADLINE]


# ---------------------------------------------------------------- dates


def test_placeholder_and_impossible_dates_are_passed_over_for_the_next_candidate(tmp_path: Path) -> None:
    head = meta("article:published_time", "0001-01-01T00:00:00+00:00") + meta("pubdate", "2999-05-01")
    ld = {"@type": "NewsArticle", "datePublished": "1970-01-01T00:00:00Z", "dateCreated": "2024-03-04T09:30:00+01:00"}
    a = read_page(tmp_path, page(head=head, ld=ld))
    assert a.published == "2024-03-04T09:30:00+01:00"


def test_no_date_before_1990_or_after_the_fetch(tmp_path: Path) -> None:
    from newsprism.ingest.htmlpage import page_article
    from newsprism.model import SourceRef

    html = page(head=meta("article:published_time", "2024-06-01T10:00:00Z"))
    a = page_article(html, key="k", ref=SourceRef("crawl.warc", 1), fetched="2024-05-02T08:00:00Z")
    assert a.published == "2024-05-02T08:00:00+00:00"  # a page cannot be published after it was fetched
    old = read_page(tmp_path, page(head=meta("article:published_time", "1989-12-31")))
    assert old.published is None or old.published >= "1990"


def test_broken_or_bottomless_json_ld_is_passed_over(tmp_path: Path) -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": </script>'
        + '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>"
        + meta("article:published_time", "2024-03-04T09:30:00+01:00")
    )
    assert read_page(tmp_path, page(head=head)).published == "2024-03-04T09:30:00+01:00"


def test_a_time_without_an_offset_takes_the_offset_the_page_gives_elsewhere(tmp_path: Path) -> None:
    head = '<meta itemprop="datePublished" content="2024-03-04 02:24:00">'
    body = f'<article><h1>{HEADLINE}</h1><time datetime="2024-03-04 02:24:00 UTC">Mar 3</time>' + "".join(f"<p>{p}</p>" for p in P) + "</article>"
    assert read_page(tmp_path, page(head=head, body=body)).published == "2024-03-04T02:24:00+00:00"


# ---------------------------------------------------------------- bylines


@pytest.mark.parametrize(
    ("field", "names", "org"),
    [
        ("STEVE PEOPLES, AP National Political Writer", ["STEVE PEOPLES"], "AP"),
        ("Tom Krisher, Ap Auto Writer", ["Tom Krisher"], "Ap"),
        ("Jane Roe, Staff writer", ["Jane Roe"], None),
        ("Jeff Foust Monday", ["Jeff Foust"], None),
        ("November", [], None),
        ("Admin", [], None),
        ("siteadmin", [], None),
        ("Ilana Muhlstein, MS, RDN", ["Ilana Muhlstein"], None),
        ("Analysis by Chris Cillizza", ["Chris Cillizza"], None),
        ("CNN Editor-at-large", [], None),
        ("ERIC TUCKER Associated Press", ["ERIC TUCKER"], "Associated Press"),
        ("Business Insider", [], "Business Insider"),
        ("Reuters", [], "Reuters"),
        ("Telegraph Sport", [], None),
        ("Harbour Desk staff", [], None),
        ("Catherine", ["Catherine"], None),
        ("Лида Буслаева", ["Лида Буслаева"], None),
        ("By Ana Ruiz and Omar Haddad", ["Ana Ruiz", "Omar Haddad"], None),
    ],
)
def test_author_fields_are_cleaned_by_the_byline_rule(field: str, names: list[str], org: str | None) -> None:
    b = parse_author_field(field)
    assert [n.value for n in b.names] == names
    assert (b.org.value if b.org else None) == org


def test_bylines_in_text_follow_the_same_rule() -> None:
    b = parse_byline("By Jeff Foust Monday | November 18, 2024")
    assert b is not None and [n.value for n in b.names] == ["Jeff Foust"] and b.date is not None
    analysis = parse_byline("Analysis by Ana Ruiz, Harbour Editor-at-large")
    assert analysis is not None and [n.value for n in analysis.names] == ["Ana Ruiz"]


def test_a_page_byline_is_cleaned_and_its_publisher_is_no_person(tmp_path: Path) -> None:
    head = meta("author", "Tamsin Media Group") + meta("og:site_name", "Tamsin Bay Chronicle")
    ld = {"@type": "NewsArticle", "author": [{"@type": "Person", "name": "Ana Ruiz"}, {"@type": "Person", "name": "Ana Ruiz"},
          {"@type": "Organization", "name": "Tamsin Media Group"}]}
    a = read_page(tmp_path, page(head=head, ld=ld))
    assert a.byline == ["Ana Ruiz"]
    roles = read_page(tmp_path, page(head=meta("author", "Omar Haddad, AP Sports Writer; Omar Haddad")), "roles.html")
    assert roles.byline == ["Omar Haddad"]
    assert roles.syndicated_from == "The Associated Press"
    handle = read_page(tmp_path, page(head=meta("og:site_name", "Vela Cannon Games") + meta("author", "Vela")), "handle.html")
    assert handle.byline == []  # the site's own account


# ---------------------------------------------------------------- outlets


def test_og_site_name_is_preferred_to_the_publisher(tmp_path: Path) -> None:
    ld = {"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": "Tamsin Media Group"}}
    a = read_page(tmp_path, page(head=meta("og:site_name", "Tamsin Bay Chronicle"), ld=ld))
    assert (a.outlet, article_record(a)["evidence"]["outlet"]) == ("Tamsin Bay Chronicle", {"from": "og:site_name"})


def test_a_wire_publisher_on_a_host_site_is_syndication_not_the_outlet(tmp_path: Path) -> None:
    ld = {"@type": "NewsArticle", "publisher": {"@type": "NewsMediaOrganization", "name": "Associated Press"}}
    head = meta("og:url", "https://tamsinchronicle.example/news/pilots") + meta("og:site_name", "Tamsin Bay Chronicle")
    a = read_page(tmp_path, page(head=head, ld=ld))
    assert (a.outlet, a.syndicated_from) == ("Tamsin Bay Chronicle", "The Associated Press")


@pytest.mark.parametrize(
    ("site_name", "outlet"),
    [
        ("Copyright 2014", "Tamsin Bay Chronicle"),
        ("https://tamsinchronicle.example/", "Tamsin Bay Chronicle"),
        ("Harbourline.ca", "Harbourline.ca"),
        ("Tamsin Bay Chronicle | News, Sport, Weather", "Tamsin Bay Chronicle"),
        ("NYTimes", "The New York Times"),
    ],
)
def test_junk_site_names_are_passed_over_and_domain_names_kept(tmp_path: Path, site_name: str, outlet: str) -> None:
    ld = {"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": "Tamsin Bay Chronicle"}}
    assert read_page(tmp_path, page(head=meta("og:site_name", site_name), ld=ld)).outlet == outlet


def test_an_outlet_is_never_syndicated_from_itself(tmp_path: Path) -> None:
    body = (
        f"<article><h1>{HEADLINE}</h1>" + "".join(f"<p>{p}</p>" for p in P)
        + "<p>This article was originally published on Tamsin Science.</p></article>"
    )
    head = meta("og:site_name", "Tamsin Science") + meta("og:url", "https://www.tamsinscience.example/pilots")
    a = read_page(tmp_path, page(head=head, body=body))
    assert (a.outlet, a.syndicated_from) == ("Tamsin Science", None)


def test_a_site_known_only_by_its_address_is_not_syndicated_from_itself(tmp_path: Path) -> None:
    body = (
        f"<article><h1>{HEADLINE}</h1>" + "".join(f"<p>{p}</p>" for p in P)
        + "<p>This article was originally published on Tamsin Science.</p></article>"
    )
    a = read_page(tmp_path, page(head=meta("og:url", "https://www.tamsinscience.example/pilots"), body=body))
    assert a.syndicated_from is None


def test_the_logo_names_a_site_that_gives_no_site_name(tmp_path: Path) -> None:
    body = '<header><a href="/"><img src="/img/t1.png" alt="Tamsin Bay Chronicle"></a></header>' + page().split("<body>")[1].split("</body>")[0]
    assert read_page(tmp_path, page(body=body)).outlet == "Tamsin Bay Chronicle"


# ---------------------------------------------------------------- titles


@pytest.mark.parametrize(
    "share_title",
    [f"{HEADLINE} | Tamsin Bay Chronicle", f"{HEADLINE} – Tamsin Bay Chronicle", f"Tamsin Bay Chronicle: {HEADLINE}"],
)
def test_the_site_name_is_cut_from_a_share_title(tmp_path: Path, share_title: str) -> None:
    body = "<article>" + "".join(f"<p>{p}</p>" for p in P) + "</article>"  # no <h1>: the share title is all there is
    a = read_page(tmp_path, page(head=meta("og:title", share_title) + meta("og:site_name", "Tamsin Bay Chronicle"), body=body))
    assert a.title == HEADLINE


def test_the_headline_shown_above_the_story_beats_the_share_title(tmp_path: Path) -> None:
    head = meta("og:title", "Pilots strike: what it means for you") + meta("og:site_name", "Tamsin Bay Chronicle")
    body = (
        "<header><h1>Tamsin Bay Chronicle</h1></header>"
        f'<article><h1 itemprop="headline">{HEADLINE}</h1><aside><h1>More on the port</h1></aside>'
        + "".join(f"<p>{p}</p>" for p in P) + "</article><footer><h1>Sign up</h1></footer>"
    )
    a = read_page(tmp_path, page(head=head, body=body))
    assert a.title == HEADLINE
    assert article_record(a)["evidence"]["title"] == {"from": "h1", "start": 0, "end": len(HEADLINE), "text": HEADLINE}
