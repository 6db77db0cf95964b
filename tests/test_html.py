"""The self-contained HTML brief, rendered from hand-built briefs."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html as htmllib
import re

from newsprism.model import (
    Article,
    Brief,
    ClaimWordings,
    DistinctWords,
    EntityNames,
    Framing,
    LoadedWords,
    NameUse,
    OutletName,
    OutletNames,
    OutletProfile,
    OutletWording,
    Story,
)
from newsprism.report.html import highlight, provenance_svg_model, render_html, safe_url

from fixtures.framing.sample import make_brief


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_page_is_self_contained_and_pins_inline_code_by_hash() -> None:
    html = render_html([make_brief()])
    assert re.findall(r"<link[^>]*>", html) == ['<link rel="icon" href="data:,">']  # no stylesheet to fetch
    assert not re.search(r'\ssrc="', html), "no external scripts or images"
    csp = htmllib.unescape(re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html).group(1))
    styles = re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
    scripts = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert len(styles) == 1 and len(scripts) == 1
    assert f"style-src {_sha(styles[0])}" in csp
    assert f"script-src {_sha(scripts[0])}" in csp
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp


def test_all_sections_and_counts() -> None:
    html = render_html([make_brief()])
    for section in ("summary", "sources", "claims", "quotes", "provenance", "conflicts", "timeline", "framing"):
        assert f'id="s1-{section}"' in html
    assert '<b data-count="articles">4</b>' in html
    assert '<b data-count="outlets">4</b>' in html
    assert '<b data-count="copies">1</b>' in html
    assert '<b data-count="single">2</b>' in html
    assert "copy of [1]" in html
    assert html.count('class="dot-link') == 7  # 4 + 2 + 1 evidence spans
    assert html.count('class="dot-link copy"') == 1  # Coastline Daily copies the Bay Chronicle
    assert '<span class="badge n2">2</span>' in html


def test_summary_cites_sources_by_number() -> None:
    html = render_html([make_brief()])
    summary = html.split('id="s1-summary"')[1].split("</section>")[0]
    assert re.findall(r'href="#src-s1-(\d)"', summary) == ["1", "2", "3", "1", "3"]
    assert 'id="src-s1-3"' in html


def test_quote_variants_show_word_differences() -> None:
    html = render_html([make_brief()])
    assert "<del>cannot</del> <ins>can&#39;t</ins> keep sailing" in html


def test_provenance_is_drawn_as_svg() -> None:
    brief = make_brief()
    g = provenance_svg_model(brief)
    assert len(g["nodes"]) == 6 and len(g["edges"]) == 5
    xs = {n.node.id: n.x for n in g["nodes"]}
    assert xs["a:coast-1"] < xs["a:bay-1"] < xs["p:voss"]  # citing chains run left to right
    html = render_html([brief])
    assert html.count('<g class="node') == 6 and html.count('<path class="edge') == 5


def test_untrusted_text_is_escaped() -> None:
    html = render_html([make_brief()])
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "<b onclick" not in html and "<b onmouseover" not in html
    assert "javascript:" not in html
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in html


def test_framing_section_shows_profiles_names_and_rewordings() -> None:
    brief = make_brief()
    radical = LoadedWords("harbor-1", 43, 50, "Radical", "radical", "ideology", 0.9, [], False)
    brief.framing = Framing(
        method="test", threshold=0.6,
        outlets=[OutletProfile("Harbor Voice", ["harbor-1"], 50, 3, 0, 60.0, 0.0, 5.9, {}, [], [radical])],
        claims=[ClaimWordings("c1", "t", 1, 0.6, [
            OutletWording("Harbor Voice", "harbor-1", 43, 107, brief.articles[2].text[43:107], 0.6,
                          [DistinctWords(43, 50, "Radical", True), DistinctWords(75, 84, "abandoned", False)])])],
        names=[EntityNames("e1", "Petra Voss", "PERSON", True, [
            OutletNames("Bay Chronicle", [OutletName("Union leader", "descriptor", 1, [NameUse("bay-1", 0, 5)])]),
            OutletNames("Harbor Voice", [OutletName("Union boss", "descriptor", 1, [NameUse("harbor-1", 0, 5)])])])],
        flags=[radical],
    )
    html = render_html([brief]).split('id="s1-framing"')[1]
    assert "more loaded" in html
    assert '<mark class="loaded">Radical</mark> ferry crews in Lakemont <mark class="distinct">abandoned</mark>' in html
    assert "Union boss" in html and "Union leader" in html


def test_many_briefs_and_empty_brief() -> None:
    empty = Brief(story=Story(id="s2", articles=["x"]), articles=[Article(id="x", text="Nothing here.")])
    html = render_html([make_brief(), empty], title="Two <stories>")
    assert "<title>Two &lt;stories&gt;</title>" in html
    assert 'href="#story-s1"' in html and 'href="#story-s2"' in html
    assert "No claims." in html and "No attribution found." in html


def test_highlight_and_safe_url() -> None:
    assert str(highlight("a <b> c", [(2, 5, "x")])) == 'a <mark class="x">&lt;b&gt;</mark> c'
    assert str(highlight("abc", [(11, 12, "x")], offset=10, anchor="hl")) == 'a<mark class="x" id="hl">b</mark>c'
    assert safe_url("https://a.example/x") == "https://a.example/x"
    assert safe_url(" JavaScript:alert(1)") is None and safe_url("data:text/html,x") is None


def test_loose_rewordings_mark_only_loaded_words() -> None:
    from newsprism.report.html import _wording_marks

    w = OutletWording("o", "a", 0, 8, "abc defg", 0.2, [DistinctWords(0, 3, "abc", True), DistinctWords(4, 8, "defg", False)])
    assert _wording_marks(w) == [(0, 3, "loaded")]
    assert len(_wording_marks(dataclasses.replace(w, overlap=0.8))) == 2
