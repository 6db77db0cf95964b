"""Stage 1, ingest: every input format, encodings, ids, globs and stdin."""

from __future__ import annotations

import gzip
import io
import json
import shutil
from pathlib import Path

import pytest

from newsprism.ingest import IdRegistry, IngestResult, ingest, iter_inputs
from newsprism.ingest.decode import decode_html
from newsprism.ingest.fields import html_to_text, iso_date
from newsprism.ingest.text import headline
from newsprism.model import Article, Problem, SourceRef

from conftest import ROOT

# Records and files of one sentence each: more than the no-body rule's short sentence.
ONE = "The first ferry of the day left Glenmoor harbour at six."
TWO = "The second ferry of the day was full by half past seven."

FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
SITE = FIXTURES / "site"


def read_one(path: Path | str, **kw) -> Article:
    result = ingest([str(path)], **kw)
    assert result.problems == []
    assert len(result.articles) == 1
    return result.articles[0]


def by_id(result: IngestResult) -> dict[str, Article]:
    return {a.id: a for a in result.articles}


def make_warc(path: Path, records: list[tuple[str, bytes, str, str, str | None]], *, gz: bool = True) -> None:
    """records: (uri, body, content type, HTTP status line, WARC-Date or None)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "newsprism-tests"}))
        for uri, body, ctype, status, date in records:
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), http_headers=headers,
                warc_headers_dict={"WARC-Date": date} if date else None,
            )
            writer.write_record(record)


# ---------------------------------------------------------------- directories


def test_directory_is_read_recursively_in_order_skipping_hidden_and_unknown(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    (site / ".hidden").mkdir()
    (site / ".hidden" / "secret.txt").write_text("Hidden headline\n\nnever read\n")
    (site / ".dotfile.txt").write_text("Hidden headline\n\nnever read\n")
    result = ingest([str(site)])
    assert result.problems == []  # the .csv and the README are passed over quietly
    assert [a.id for a in result.articles] == [
        "01-alder-gazette", "02-sorrel-times", "bluewake-statement", "wire-1", "nested/04-wire#3",
    ]
    assert all("never read" not in a.text for a in result.articles)


def test_readme_named_explicitly_is_read() -> None:
    assert read_one(SITE / "README.md").title == "About these fixtures"


# ---------------------------------------------------------------- plain text


def test_txt_keeps_whole_text_and_takes_headline_as_title() -> None:
    path = SITE / "01-alder-gazette.txt"
    a = read_one(path)
    assert a.id == "01-alder-gazette"
    assert a.text == path.read_text(encoding="utf-8")
    assert a.title == "Ferry crews walk out at Glenmoor harbour"
    assert a.text.startswith(a.title)
    assert a.source == SourceRef(str(path))
    assert a.outlet is None and a.byline == []  # metadata inference is the extract stage's


@pytest.mark.parametrize(
    "text,title",
    [
        ("Ferry crews walk out\n\nBody.", "Ferry crews walk out"),
        ("Will the ferries run again?\nBody.", "Will the ferries run again?"),
        ('Union: "We were ignored"\n\nBody.', 'Union: "We were ignored"'),
        ("# Markdown headline\n\nBody.", "Markdown headline"),
        ("\n\n  Leading blank lines\n\nBody.", "Leading blank lines"),
        ("Ferry crews stopped work on Tuesday, the union said.\nMore.", None),
        ('"We were ignored," the organiser said.\n\nBody.', None),
        ("By Ines Varga\n\nBody.", None),
        ("Only one line, no body", None),
        ("GLENMOOR, Sorrel coast —\nBody.", None),
        (("word " * 40).strip() + "\n\nBody.", None),
    ],
)
def test_headline_heuristic(text: str, title: str | None) -> None:
    assert headline(text) == title


def test_markdown_and_text_extensions(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Harbour notes\n\nThe harbour reopened on Thursday after a week of storms.\n")
    (tmp_path / "b.text").write_text("Harbour notes two\n\nThe harbour reopened again on Friday, the harbour office said.\n")
    result = ingest([str(tmp_path)])
    assert [(a.id, a.title) for a in result.articles] == [("a", "Harbour notes"), ("b", "Harbour notes two")]
    assert result.articles[0].text.startswith("# Harbour notes")


# ---------------------------------------------------------------- encodings


def test_utf16_with_bom(tmp_path: Path) -> None:
    text = "Fähre fährt wieder\n\nDie Fähre nach Sorrel fährt wieder, sagte die Reederei.\n"
    path = tmp_path / "utf16.txt"
    path.write_bytes(text.encode("utf-16"))  # Python writes the BOM
    a = read_one(path)
    assert a.text == text
    assert a.title == "Fähre fährt wieder"


def test_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes("Café owner’s “naïve” plan – rejected\n\nThe café stays shut, the council’s planning panel said.\n".encode("cp1252"))
    a = read_one(path)
    assert a.title == "Café owner’s “naïve” plan – rejected"
    assert "café stays shut" in a.text


def test_crlf_bom_and_invisible_characters_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    raw = "\ufeffHarbour re\u200bopens\r\n\r\nFerry crews re\u00adturned on Thursday.\rThe strike is over.\r\n"
    path.write_bytes(raw.encode("utf-8"))
    a = read_one(path)
    assert a.text == "Harbour reopens\n\nFerry crews returned on Thursday.\nThe strike is over.\n"
    assert a.title == "Harbour reopens"
    assert "\r" not in a.text


def test_html_meta_charset_is_honoured(tmp_path: Path) -> None:
    page = (SITE / "02-sorrel-times.html").read_text(encoding="utf-8")
    page = page.replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
    page = page.replace("Bluewake Lines said in a statement", "Bluewake Lines’ café said in a statement")
    path = tmp_path / "legacy.html"
    path.write_bytes(page.encode("cp1252"))
    assert "Bluewake Lines’ café said" in read_one(path).text


@pytest.mark.parametrize(
    "data,expect",
    [
        (b'<meta charset="iso-8859-1"><p>The mayor\x92s \x93plan\x94</p>', "The mayor’s “plan”"),  # label means cp1252
        ('<meta charset="iso-8859-1"><p>Café “plan”</p>'.encode(), "Café “plan”"),  # mislabelled UTF-8
    ],
)
def test_html_charset_labels_are_read_as_browsers_do(data: bytes, expect: str) -> None:
    assert expect in decode_html(data)


# ---------------------------------------------------------------- HTML


def test_html_main_text_and_metadata() -> None:
    a = read_one(SITE / "02-sorrel-times.html")
    assert a.id == "02-sorrel-times"
    assert a.title == "Glenmoor ferry strike strands island commuters"
    assert a.outlet == "Sorrel Island Times"
    assert a.url == "https://sorreltimes.example/2025/03/04/ferry-strike"
    assert a.published == "2025-03-04T09:30:00+01:00"
    assert a.byline == ["Malik Brennan"]
    paragraphs = a.text.split("\n\n")
    assert paragraphs[0] == a.title
    assert paragraphs[1].startswith("Ferry crews at Glenmoor harbour walked out on Tuesday")
    # <br> inside a paragraph is a space, not a paragraph break
    assert "outside the harbour office. She said the strike would last until Thursday." in a.text
    for boilerplate in ("cookies", "newsletter", "Weather", "©"):
        assert boilerplate not in a.text


def test_html_without_site_name_leaves_outlet_to_the_extract_stage(tmp_path: Path) -> None:
    page = (SITE / "02-sorrel-times.html").read_text(encoding="utf-8")
    page = page.replace('<meta property="og:site_name" content="Sorrel Island Times">', "")
    page = page.replace(" | Sorrel Island Times", "")
    path = tmp_path / "page.htm"
    path.write_text(page, encoding="utf-8")
    a = read_one(path)
    assert a.outlet is None
    assert a.url == "https://sorreltimes.example/2025/03/04/ferry-strike"


def _page(title: str, body: str) -> str:
    return (
        '<html><head><title>' + title + ' | Sorrel Island Times</title>'
        '<meta property="og:site_name" content="Sorrel Island Times"></head>'
        '<body><nav><a href="/">Home</a> <a href="/news">News</a></nav><article><h1>' + title + '</h1>'
        + body + '</article><footer>Sorrel Island Times</footer></body></html>'
    )


SHORT_REAL_ITEMS = {
    # a brief of two sentences, one of one sentence, a Japanese news brief of one sentence
    "brief": ("Ferry strike ends", "<p>Ferry crews at Glenmoor harbour returned to work on Thursday. "
              "The union said talks would go on next week.</p>"),
    "one-sentence": ("Harbour office closed", "<p>The Glenmoor harbour office will be closed on Monday.</p>"),
    "seven-words": ("Ferry", "<p>Ferry crews returned to work on Thursday.</p>"),  # 34 letters: was skipped
    "japanese": ("フェリー運航再開", "<p>グレンモア港のフェリーは木曜日に運航を再開した。</p>"),
    # words an error page says, in a real item
    "hiker": ("Hiker still missing", "<p>The missing hiker, whose story moved the town, could not be found on "
              "Sunday, police said.</p>"),
}
NO_BODY = {
    "three-words": ("", "<p>no article here</p>"),
    "not-found": ("Page not found", "<p>Page not found</p>"),
    "link-only": ("Harbour news", "<p>Click here to read more</p>"),
    "headline-only": ("Glenmoor ferry strike strands island commuters for a third day", ""),
    # error pages of a whole sentence
    "sorry": ("Page not found", "<p>Sorry, the page you were looking for could not be found.</p>"),
    "apache": ("404 Not Found", "<p>The requested URL /news/2024/ferry-strike.html was not found on this server.</p>"),
}


def test_a_short_real_item_is_read_and_a_page_without_a_body_is_skipped(tmp_path: Path) -> None:
    """README: "a web page with no article body" is skipped (no-body), naming the file; a page
    of three words was read as an article. A brief of a sentence or two is still an article."""
    for name, (title, body) in {**SHORT_REAL_ITEMS, **NO_BODY}.items():
        (tmp_path / f"{name}.html").write_text(_page(title, body), encoding="utf-8")
    result = ingest([str(tmp_path)])
    assert sorted(a.id for a in result.articles) == sorted(SHORT_REAL_ITEMS)
    for a in result.articles:  # the headline and the body, as on the page: not the menu run into them
        assert a.text == f"{SHORT_REAL_ITEMS[a.id][0]}\n\n{SHORT_REAL_ITEMS[a.id][1][3:-4]}", a.text
    assert sorted((Path(p.path).stem, p.reason) for p in result.problems) == sorted((n, "no-body") for n in NO_BODY)
    three_words = next(p for p in result.problems if p.path.endswith("three-words.html"))
    assert three_words.message.startswith("no article body, only ") and "no article here" in three_words.message
    sorry = next(p for p in result.problems if p.path.endswith("sorry.html"))
    assert sorry.message.startswith("an error page, not an article: ") and "could not be found" in sorry.message

def test_text_and_json_without_a_body_are_skipped_by_the_rule_pages_use(tmp_path: Path) -> None:
    """A three-word .txt file or JSON record was read as an article, where a page of three words
    is skipped (no-body); so was a crawler's record of an error page. A one-sentence item is read,
    and so is a record of a headline and a one-sentence lead (as NeuS holds): a record's headline
    is a field it was given, not the <h1> every page has."""
    (tmp_path / "three.txt").write_text("no article here\n", encoding="utf-8")
    (tmp_path / "label.md").write_text("# Glenmoor ferry strike strands island commuters\n\nMore soon.\n", encoding="utf-8")
    (tmp_path / "item.txt").write_text("The Glenmoor harbour office will be closed on Monday.\n", encoding="utf-8")
    (tmp_path / "records.jsonl").write_text("\n".join(json.dumps(r) for r in [
        {"id": "r-three", "text": "no article here"},
        {"id": "r-404", "title": "Page not found | Sorrel Island Times",
         "text": "Sorry, the page you were looking for could not be found."},
        {"id": "r-lead", "title": "Ferry crews return to work at Glenmoor", "text": "The strike is over."},
    ]) + "\n", encoding="utf-8")
    (tmp_path / "one.json").write_text(json.dumps({"id": "j-three", "body": "Home News Sport"}), encoding="utf-8")
    result = ingest([str(tmp_path)])
    assert sorted(a.id for a in result.articles) == ["item", "r-lead"]
    skipped = sorted((Path(p.path).name, p.line, p.reason, p.message.split(":")[0].split(",")[0]) for p in result.problems)
    assert skipped == [
        ("label.md", None, "no-body", "no article body"),
        ("one.json", None, "no-body", "no article body"),
        ("records.jsonl", 1, "no-body", "no article body"),
        ("records.jsonl", 2, "no-body", "an error page"),
        ("three.txt", None, "no-body", "no article body"),
    ]


def test_a_feed_entry_without_a_body_is_skipped_by_the_rule_records_use(tmp_path: Path) -> None:
    """A feed entry of "Home" and "Read more", or an error page's notice, was read as an article. An
    entry is given its headline, as a JSON record is: a headline and a one-line summary is read."""
    items = [
        ("<title>Home</title>", "Read more"),
        ("<title>Live</title>", "Sorry, the page you were looking for could not be found."),
        ("<title>Ferry crews return to work at Glenmoor</title>", "The strike is over."),
        ("", "Ferry crews return to work at Glenmoor on Monday, the union said."),
        ("<title>Ferry</title>", "Ferry crews returned to work on Thursday."),  # 39 letters: was skipped
    ]
    (tmp_path / "feed.rss").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Watch</title>'
        + "".join(f"<item>{t}<description>{d}</description></item>" for t, d in items) + "</channel></rss>\n",
        encoding="utf-8",
    )
    result = ingest([str(tmp_path)])
    assert [a.text for a in result.articles] == [items[2][1], items[3][1], items[4][1]]
    assert [(p.line, p.reason, p.message.split(":")[0].split(",")[0]) for p in result.problems] == [
        (1, "no-body", "no article body"), (2, "no-body", "an error page")]


# ---------------------------------------------------------------- JSON and JSON Lines


def test_json_object_with_aliases_and_extra_fields() -> None:
    a = read_one(SITE / "nested" / "03-bluewake.json")
    assert a.id == "bluewake-statement"
    assert a.title == "Bluewake Lines responds to crew walkout"
    assert a.text.startswith("Bluewake Lines responds to crew walkout\n\nBluewake Lines said on Tuesday")
    assert a.outlet == "Bluewake Lines Newsroom"
    assert a.url == "https://bluewake.example/news/walkout"
    assert a.published == "2025-03-04T14:00:00+00:00"
    assert a.byline == ["Press Office"]
    assert a.extra == {"section": "Company news", "word_count": 42}


def test_jsonl_records_ids_lines_and_html_content() -> None:
    path = SITE / "nested" / "04-wire.jsonl"
    result = ingest([str(path)])
    assert result.problems == []
    first, second = result.articles
    assert (first.id, first.source) == ("wire-1", SourceRef(str(path), 1))
    assert first.outlet == "Coastline Wire"
    assert first.published == "2025-03-04"
    assert first.byline == ["Jo Amari", "Dev Patel"]
    # no id: file stem and line number; the blank line 2 is skipped
    assert (second.id, second.source) == ("04-wire#3", SourceRef(str(path), 3))
    assert second.text == "The Glenmoor ferry strike entered its second day on Wednesday.\n\nTalks are due on Thursday."
    assert second.published == "2025-03-05T08:00:00+00:00"  # from a Unix timestamp
    assert second.extra == {"tags": ["ferry", "strike"]}


def test_a_bad_json_line_is_said_where_it_breaks(tmp_path: Path) -> None:
    """A line cut short was said to fail at "column 1" (json counts from past its newline)."""
    path = tmp_path / "wire.jsonl"
    good = json.dumps({"text": "The first ferry of the day left Glenmoor harbour at six."})
    path.write_text(good + '\n{"id": "cut", "text": "no closing brace"\n{"text": "three", oops}\r\n' + good)
    problems = [(p.line, p.message) for p in iter_inputs([str(path)]) if isinstance(p, Problem)]
    assert problems == [
        (2, "invalid JSON: Expecting ',' delimiter (the line ends before the record does)"),
        (3, "invalid JSON: Expecting property name enclosed in double quotes (column 19)"),
    ]


def test_json_list_and_articles_wrapper(tmp_path: Path) -> None:
    items = [{"text": "The first crossing left Glenmoor harbour at six."}, {"text": "The second crossing to Sorrel was full by half past seven.", "id": 7}]
    (tmp_path / "list.json").write_text(json.dumps(items))
    (tmp_path / "wrapped.json").write_text(json.dumps({"status": "ok", "articles": items[:1]}))
    result = ingest([str(tmp_path)])
    assert result.problems == []
    assert [a.id for a in result.articles] == ["list#1", "7", "wrapped#1"]
    assert result.articles[0].source == SourceRef(str(tmp_path / "list.json"), 1)


def test_json_file_that_holds_json_lines(tmp_path: Path) -> None:
    long_text = "word " * 20_000  # a first line longer than the sniffed head
    lines = [json.dumps({"id": "a", "text": long_text}), json.dumps({"id": "b", "text": TWO})]
    (tmp_path / "dump.json").write_text("\n".join(lines) + "\n")
    assert [a.id for a in ingest([str(tmp_path / "dump.json")]).articles] == ["a", "b"]


def test_gzipped_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(json.dumps({"title": "Crossings resume", "text": "Crossings to Sorrel resumed on Friday."}) + "\n")
    a = read_one(path)
    assert (a.id, a.title) == ("wire#1", "Crossings resume")


def test_utf16_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "wide.jsonl"
    texts = ("Die Fähre nach Sorrel fährt wieder, sagte die Reederei.", "Der Hafen von Glenmoor ist seit Donnerstag wieder offen.")
    body = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts)
    path.write_bytes(body.encode("utf-16"))
    assert [a.text for a in ingest([str(path)]).articles] == list(texts)


# ---------------------------------------------------------------- WARC


PAGE = (SITE / "02-sorrel-times.html").read_bytes()
UNDATED = (
    PAGE.replace(b'<meta property="article:published_time" content="2025-03-04T09:30:00+01:00">', b"")
    .replace(b'<link rel="canonical" href="https://sorreltimes.example/2025/03/04/ferry-strike">', b"")
)


@pytest.mark.parametrize("gz", [True, False])
def test_warc_html_responses_become_articles(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    make_warc(path, [
        ("https://sorreltimes.example/a", PAGE, "text/html; charset=utf-8", "200 OK", None),
        ("https://sorreltimes.example/logo.png", b"\x89PNG\r\n", "image/png", "200 OK", None),
        ("https://sorreltimes.example/old", b"<html>moved</html>", "text/html", "301 Moved Permanently", None),
        ("https://sorreltimes.example/b", UNDATED, "text/html", "200 OK", "2025-03-05T07:00:00Z"),
        ("https://sorreltimes.example/menu", b"<html><body><nav>Home</nav></body></html>", "text/html", "200 OK", None),
    ], gz=gz)
    result = ingest([str(path)])
    first, second = result.articles
    assert (first.id, first.source) == ("crawl#2", SourceRef(str(path), 2))
    assert first.url == "https://sorreltimes.example/a"  # the WARC-Target-URI
    assert first.extra["canonical_url"] == "https://sorreltimes.example/2025/03/04/ferry-strike"
    assert first.published == "2025-03-04T09:30:00+01:00"  # the page's own date
    assert first.outlet == "Sorrel Island Times"
    assert "walked out on Tuesday" in first.text
    assert second.id == "crawl#5"
    assert second.published == "2025-03-05T07:00:00+00:00"  # no date in the page: WARC-Date
    assert result.problems == [Problem(str(path), "no-body", "no article text found in the page", 6)]


# ---------------------------------------------------------------- feeds


def test_rss_feed() -> None:
    path = FIXTURES / "feed.rss"
    result = ingest([str(path)])
    (a,) = result.articles
    assert a.id == "feed#1"
    assert a.title == "Ferry talks set for Thursday"
    assert a.outlet == "Harbour Watch"
    assert a.url == "https://harbourwatch.example/ferry-talks"
    assert a.published == "2025-03-05T08:15:00+01:00"
    assert a.byline == ["Ola Brandt"]
    assert a.text == (
        "Union and operator will meet on Thursday to discuss ferry rosters.\n\n"
        "Commuters face a third day without a crossing."
    )
    assert a.extra["guid"] == "https://harbourwatch.example/?p=101"
    assert a.source == SourceRef(str(path), 1)
    assert [(p.reason, p.line) for p in result.problems] == [("no-text", 2)]


def _feed(doctype: str, body: str) -> str:
    return (
        f'<?xml version="1.0"?>\n{doctype}\n<rss version="2.0"><channel><title>Harbour Watch</title>'
        f"<item><title>Ferry talks</title><description>{body}</description></item></channel></rss>\n"
    )


def test_a_feed_that_declares_entities_is_refused_as_watch_refuses_it(tmp_path: Path) -> None:
    """A billion laughs, or one large entity repeated (a few kilobytes that expand to
    gigabytes): a feed file gets the watch's protection, one warning, nothing read."""
    laughs = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bombs = {
        "laughs.xml": _feed(f"<!DOCTYPE rss [{laughs}]>", "&l9;"),
        "quadratic.rss": _feed(f'<!DOCTYPE rss [<!ENTITY big "{"x" * 20_000}">]>', "&big;" * 20_000),
    }
    for name, text in bombs.items():
        (tmp_path / name).write_text(text)
    result = ingest([str(tmp_path)])
    assert result.articles == []
    assert sorted((Path(p.path).name, p.reason, p.message) for p in result.problems) == [
        (name, "bad-feed", "the feed declares XML entities (refused: the shape of an entity bomb)") for name in sorted(bombs)
    ]


def test_a_feed_with_a_doctype_or_a_quoted_declaration_is_read(tmp_path: Path) -> None:
    plain = tmp_path / "plain.rss"
    plain.write_text(_feed('<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "x.dtd">',
                           "Rosters are due from the union on Thursday."))
    quoted = tmp_path / "quoted.rss"
    quoted.write_text(_feed("", "<![CDATA[The text may quote <!ENTITY x 'y'> after the root element.]]>"))
    assert read_one(plain).text == "Rosters are due from the union on Thursday."
    assert "<!ENTITY" in read_one(quoted).text


def test_atom_feed_prefers_full_content_over_summary() -> None:
    a = read_one(FIXTURES / "feed.atom")
    assert a.outlet == "Island Radio News"
    assert a.title == "Ferries run again after strike ends"
    assert a.url == "https://islandradio.example/ferries-return"
    assert a.published == "2025-03-06T11:45:00+01:00"
    assert a.byline == ["Rafe Oduya"]
    assert a.text.startswith("Ferries between Glenmoor and Sorrel Island ran again on Thursday")
    assert a.text.endswith("The first crossing left at 6 a.m.")


def test_xml_files_are_read_only_when_they_are_feeds(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "feed.rss", tmp_path / "news.xml")
    (tmp_path / "sitemap.xml").write_text('<?xml version="1.0"?><urlset><url><loc>x</loc></url></urlset>')
    result = ingest([str(tmp_path)])
    assert [a.outlet for a in result.articles] == ["Harbour Watch"]
    assert [p.reason for p in result.problems] == ["no-text"]  # the feed's empty entry only
    explicit = ingest([str(tmp_path / "sitemap.xml")])
    assert [p.reason for p in explicit.problems] == ["unsupported"]


# ---------------------------------------------------------------- globs, stdin, unknown files


def test_glob_patterns_are_expanded_by_us(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(SITE, tmp_path / "site")
    monkeypatch.chdir(tmp_path)
    assert [a.id for a in ingest(["site/*.txt"]).articles] == ["01-alder-gazette"]
    assert [a.id for a in ingest(["site/**/*.json*"]).articles] == ["bluewake-statement", "wire-1", "nested/04-wire#3"]
    assert [a.id for a in ingest(["sit?"]).articles][:2] == ["site/01-alder-gazette", "site/02-sorrel-times"]


@pytest.mark.parametrize(
    "data,expect",
    [
        (f'{{"text": "{ONE}"}}\n{{"text": "{TWO}"}}\n'.encode(), [("stdin#1", ONE), ("stdin#2", TWO)]),
        (f'{{"id": "x", "text": "{ONE}"}}'.encode(), [("x", ONE)]),
        (f"Harbour reopens\n\n{TWO}\n".encode(), [("stdin", f"Harbour reopens\n\n{TWO}\n")]),
    ],
)
def test_stdin_is_sniffed(data: bytes, expect: list[tuple[str, str]]) -> None:
    result = ingest(["-"], stdin=io.BytesIO(data))
    assert result.problems == []
    assert [(a.id, a.text) for a in result.articles] == expect
    assert result.articles[0].source.path == "<stdin>"


@pytest.mark.parametrize(
    "fixture,outlet",
    [(SITE / "02-sorrel-times.html", "Sorrel Island Times"), (FIXTURES / "feed.atom", "Island Radio News")],
)
def test_stdin_html_and_feeds(fixture: Path, outlet: str) -> None:
    (a,) = ingest(["-"], stdin=io.BytesIO(fixture.read_bytes())).articles
    assert a.outlet == outlet


def test_stdin_jsonl_is_streamed_past_the_sniffed_head() -> None:
    lines = b"".join(json.dumps({"text": f"record {i} " + "x" * 200}).encode() + b"\n" for i in range(2000))
    assert len(lines) > 2 * 65536
    result = ingest(["-"], stdin=io.BytesIO(lines))
    assert len(result.articles) == 2000
    assert result.articles[-1].id == "stdin#2000"


def test_no_stdin_is_a_problem() -> None:
    assert [p.reason for p in ingest(["-"], stdin=None).problems] == ["unreadable"]


def test_unknown_extension_named_explicitly_is_sniffed(tmp_path: Path) -> None:
    (tmp_path / "notes.dat").write_text(f"Harbour notes\n\n{ONE}\n")
    (tmp_path / "dump.data").write_text(json.dumps({"id": "d1", "text": f"From a JSON dump. {ONE}"}))
    assert ingest([str(tmp_path)]).articles == []  # quietly passed over in a directory
    assert read_one(tmp_path / "notes.dat").title == "Harbour notes"
    assert read_one(tmp_path / "dump.data").id == "d1"


# ---------------------------------------------------------------- ids


def test_colliding_ids_get_suffixes_and_keep_the_original(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"Harbour one\n\n{ONE}\n")
    (tmp_path / "a.md").write_text(f"Harbour two\n\n{TWO}\n")
    (tmp_path / "b.jsonl").write_text(f'{{"id": "a", "text": "{ONE}"}}\n{{"id": "a", "text": "{TWO}"}}\n')
    result = ingest([str(tmp_path)])
    assert [a.id for a in result.articles] == ["a", "a~2", "a~3", "a~4"]
    assert result.articles[0].text == f"Harbour two\n\n{TWO}\n"  # a.md sorts first
    assert [a.extra.get("original_id") for a in result.articles] == [None, "a", "a", "a"]
    assert result.problems == []


def test_id_registry_carries_ids_across_batches(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"Harbour one\n\n{ONE}\n")
    ids = IdRegistry()
    assert [a.id for a in iter_inputs([str(tmp_path)], ids=ids)] == ["a"]
    saved = json.loads(json.dumps(ids.to_dict()))
    restored = IdRegistry.from_dict(saved)
    assert [a.id for a in iter_inputs([str(tmp_path)], ids=restored)] == ["a~2"]


def test_the_same_file_named_twice_is_read_once() -> None:
    result = ingest([str(SITE), str(SITE / "01-alder-gazette.txt")])
    assert [a.id for a in result.articles].count("01-alder-gazette") == 1
    assert not any(a.id.endswith("~2") for a in result.articles)


def test_iter_inputs_streams() -> None:
    items = iter_inputs([str(SITE)])
    first = next(items)
    assert isinstance(first, Article) and first.id == "01-alder-gazette"


# ---------------------------------------------------------------- field helpers


@pytest.mark.parametrize(
    "value,expect",
    [
        ("2024-05-13", "2024-05-13"),
        ("2024-05-13T18:05:00+00:00", "2024-05-13T18:05:00+00:00"),
        ("Mon, 13 May 2024 18:05:00 GMT", "2024-05-13T18:05:00+00:00"),
        ("May 13, 2024", "2024-05-13"),
        ("May 2024", "2024-05"),
        ("13:05", None),
        ("not a date", None),
        (1715623500, "2024-05-13T18:05:00+00:00"),
        (1715623500000, "2024-05-13T18:05:00+00:00"),
        (None, None),
        (True, None),
    ],
)
def test_iso_date(value: object, expect: str | None) -> None:
    assert iso_date(value) == expect


def test_unparseable_dates_are_kept_raw(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"text": ONE, "date": "the day after the storm"}))
    a = read_one(tmp_path / "a.json")
    assert a.published is None
    assert a.extra["published_raw"] == "the day after the storm"


def test_html_to_text_keeps_paragraphs() -> None:
    markup = "Intro<p>One <b>bold</b><br>line.</p><ul><li>Item</li></ul><script>x()</script>"
    assert html_to_text(markup) == "Intro\n\nOne bold line.\n\nItem"


# ---------------------------------------------------------------- the real seed articles


def test_seed_articles(seeds_dir: Path) -> None:
    result = ingest([str(seeds_dir)])
    assert result.problems == []
    assert len(result.articles) == 5
    for a in result.articles:
        raw = (seeds_dir / f"{a.id}.txt").read_bytes().decode("utf-8").replace("\r\n", "\n")
        assert a.text == raw.lstrip("\ufeff")
    titled = [a.title is not None for a in result.articles]
    assert titled == [True, False, True, False, False]


def test_the_body_rule_stops_counting_once_an_input_is_an_article(monkeypatch: pytest.MonkeyPatch) -> None:
    """require_body counted every letter of a text to decide whether it held 40: 1.45 s of CPU for
    a text file of 15 MB, on every long article, page or record."""
    import unicodedata

    from newsprism.ingest import base

    looked: list[str] = []

    class Counting:
        @staticmethod
        def east_asian_width(c: str) -> str:
            looked.append(c)
            return unicodedata.east_asian_width(c)

    monkeypatch.setattr(base, "unicodedata", Counting)
    base.require_body("Headline\n\n" + ONE * 10_000, "Headline")
    assert len(looked) <= base.MAX_NOTICE_LETTERS
