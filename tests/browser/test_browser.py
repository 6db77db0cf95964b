"""The web app and the saved brief in a real browser (Debian Chromium via Playwright).

Run with `pytest -m slow tests/browser`. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import html as htmllib
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

pytestmark = pytest.mark.slow


def _count(page, key: str) -> int:  # type: ignore[no-untyped-def]
    return int(page.locator(f'[data-count="{key}"]').first.inner_text())


def test_story_list_shows_the_example_with_its_counts(page, example_server, example_analysis) -> None:  # type: ignore[no-untyped-def]
    page.goto(example_server.url + "/")
    stories = page.locator("li.story")
    assert stories.count() == len(example_analysis.briefs)
    biggest = max(example_analysis.briefs, key=lambda b: len(b.articles))
    row = page.locator(f'li.story[data-story="{biggest.story.id}"]')
    assert int(row.locator('[data-count="articles"]').inner_text()) == 7
    assert int(row.locator('[data-count="claims"]').inner_text()) == len(biggest.claims)
    page.fill('input[name="q"]', "spillway")
    page.click("form.search button")
    assert "q=spillway" in page.url
    assert page.locator("li.story").count() >= 1
    page.fill('input[name="q"]', "zzzz-no-such-text")
    page.click("form.search button")
    assert page.locator("li.story").count() == 0


def test_story_page_counts_links_and_screenshot(page, example_server, example_analysis, artifacts) -> None:  # type: ignore[no-untyped-def]
    brief = max(example_analysis.briefs, key=lambda b: len(b.articles))
    page.goto(f"{example_server.url}/stories/{brief.story.id}")
    assert _count(page, "articles") == 7
    assert _count(page, "copies") == 1  # the Harbour Times republishes the Northern Ledger
    assert _count(page, "claims") == len(brief.claims)
    assert _count(page, "quotes") == len(brief.quotes)
    assert _count(page, "conflicts") == len(brief.conflicts)
    assert page.locator("table.matrix tbody tr").count() == len(brief.claims)
    assert page.locator("svg.prov g.node").count() == min(len(brief.provenance.nodes), 60)
    page.screenshot(path=str(artifacts / "story.png"), full_page=True)

    # Every in-page anchor has its target.
    anchors = page.eval_on_selector_all('a[href^="#"]', "els => els.map(e => e.getAttribute('href'))")
    assert anchors
    for href in anchors:
        assert page.locator(f'[id="{href[1:]}"]').count() == 1, href

    # Every evidence link opens the article with exactly the cited words highlighted.
    texts = {a.id: a.text for a in example_analysis.articles}
    hrefs = sorted(set(page.eval_on_selector_all('a[href*="?hl="]', "els => els.map(e => e.getAttribute('href'))")))
    assert len(hrefs) >= len(brief.claims)
    for href in hrefs:
        parts = urlsplit(href)
        article_id = unquote(parts.path.rsplit("/", 1)[1])
        start, end = map(int, parse_qs(parts.query)["hl"][0].split("-"))
        r = page.request.get(example_server.url + href)
        assert r.ok, href
        marks = re.findall(r'<mark class="hl"[^>]*>(.*?)</mark>', r.text(), re.DOTALL)
        assert "".join(htmllib.unescape(m) for m in marks).replace("\n", "") == texts[article_id][start:end].replace("\n", "")

    # Clicking a claim's dot (in the full claims matrix, folded until opened) lands on the
    # highlighted sentence, scrolled into view.
    assert not page.locator("table.matrix").is_visible()
    page.click("details[id$='-all-claims'] > summary")
    page.locator("table.matrix a.dot-link").first.click()
    page.wait_for_load_state()
    mark = page.locator("mark#hl")
    assert mark.count() == 1 and mark.is_visible()
    page.screenshot(path=str(artifacts / "article.png"))


def test_story_page_fits_a_phone(browser, example_server, example_analysis, artifacts) -> None:  # type: ignore[no-untyped-def]
    brief = max(example_analysis.briefs, key=lambda b: len(b.articles))
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(f"{example_server.url}/stories/{brief.story.id}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, "wide tables must scroll inside their box, not the page"
    page.screenshot(path=str(artifacts / "story-phone.png"), full_page=True)
    context.close()


def test_article_page_names_its_outlet(page, example_server, example_analysis) -> None:  # type: ignore[no-untyped-def]
    a = example_analysis.articles[0]
    page.goto(f"{example_server.url}/articles/{a.id}")
    assert a.label in page.inner_text("main")
    assert page.locator(".article-text p").count() >= 3


def test_hostile_article_renders_inert(page, hostile_server, artifacts) -> None:  # type: ignore[no-untyped-def]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in ("/", "/stories/s1", "/articles/evil%3C1%3E", "/articles/evil%3C1%3E?hl=0-40"):
        page.goto(hostile_server.url + path)
        # Hover over what an onmouseover payload would have wrapped.
        for el in page.locator("main a, main blockquote").all()[:40]:
            if el.is_visible():
                el.hover(timeout=2000)
        assert page.title() != "pwned", path
        assert page.evaluate("document.querySelectorAll('main script, main img, main [onerror], main [onclick], main [onmouseover]').length") == 0
    assert dialogs == []
    page.goto(hostile_server.url + "/articles/evil%3C1%3E")
    text = page.inner_text(".article-text")
    assert "<script>document.title='pwned'</script>" in text and "onerror=" in text
    page.screenshot(path=str(artifacts / "hostile-article.png"))


def test_saved_brief_works_offline_with_its_pinned_css_and_js(page, artifacts, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from newsprism.report.html import render_html

    from fixtures.framing.sample import make_brief

    path = tmp_path / "brief.html"
    path.write_text(render_html([make_brief()]), encoding="utf-8")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    # The inline stylesheet applied (its hash is in the page's CSP) ...
    assert page.evaluate("getComputedStyle(document.querySelector('header.site')).backgroundColor") == "rgb(20, 32, 43)"
    # ... and so did the inline script: a link into the folded claims matrix opens it,
    # and the claims filter hides rows.
    page.locator("table.key-claims a.claim-link").first.click()
    page.fill("input.claim-filter", "friday")
    assert page.locator("table.matrix tbody tr:not(.hidden)").count() == 1
    assert page.title() != "pwned"
    assert [u for u in requests if not u.startswith("file:")] == []
    page.screenshot(path=str(artifacts / "saved-brief.png"), full_page=True)
