"""The HTML brief at a glance, in real Chromium at 1280 px wide: the essentials of the
seeds' brief (finding, summary, sources, the claims that matter, conflicts) within the
first 2,000 px, the rest folded and opened by the links that point into it."""

from __future__ import annotations

import pytest

from conftest import shared_path

pytestmark = pytest.mark.slow

ESSENTIALS = ("summary", "sources", "claims", "conflicts")
FOLDED = ("quotes", "provenance", "timeline", "framing")
FIRST_SCREENS = 2000  # px: two to three screens


@pytest.fixture(scope="module")
def seeds_page(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from newsprism.pipeline import Pipeline, Settings
    from newsprism.report.html import render_html

    analysis = Pipeline(Settings()).run([str(shared_path("corpora", "seeds"))])
    path = tmp_path_factory.mktemp("glance") / "seeds.html"
    path.write_text(render_html(analysis.briefs), encoding="utf-8")
    return path, analysis.briefs[0].story.id


def _bottom(page, selector: str) -> float:  # type: ignore[no-untyped-def]
    return page.evaluate(f"(() => {{ const r = document.querySelector({selector!r}).getBoundingClientRect(); return r.bottom + window.scrollY; }})()")


def test_seeds_brief_essentials_fit_the_first_2000_px(page, seeds_page, artifacts) -> None:  # type: ignore[no-untyped-def]
    path, sid = seeds_page
    page.goto(path.as_uri())
    assert page.viewport_size["width"] == 1280
    page.screenshot(path=str(artifacts / "seeds-brief-first-2000px.png"), clip={"x": 0, "y": 0, "width": 1280, "height": FIRST_SCREENS}, full_page=True)
    page.screenshot(path=str(artifacts / "seeds-brief.png"), full_page=True)
    assert page.locator("p.finding").is_visible()
    assert "The New York Times" in page.inner_text("p.finding")
    bottoms = {name: _bottom(page, f"section[id='{sid}-{name}']") for name in ESSENTIALS}
    assert max(bottoms.values()) <= FIRST_SCREENS, bottoms
    # The claims that matter include the single-outlet drone figures, shown, not folded.
    key = page.inner_text("table.key-claims")
    assert "4,000" in key and "6,000" in key
    for name in FOLDED:  # the rest is there, folded
        assert page.locator(f"section[id='{sid}-{name}'] details.fold").count() == 1
        assert not page.locator(f"section[id='{sid}-{name}'] details.fold").evaluate("d => d.open")
    assert not page.locator("table.matrix").is_visible()
    # The whole page stays short: the folded sections are not laid out.
    assert page.evaluate("document.documentElement.scrollHeight") < 3 * FIRST_SCREENS


def test_links_open_the_fold_they_point_into(page, seeds_page) -> None:  # type: ignore[no-untyped-def]
    path, sid = seeds_page
    page.goto(path.as_uri())
    page.click(f"nav.jump a[href='#{sid}-quotes']")
    assert page.locator(f"section[id='{sid}-quotes'] details.fold").evaluate("d => d.open")
    # A key claim links to its row of the full matrix, folded until then.
    page.locator("table.key-claims a.claim-link").first.click()
    assert page.locator("table.matrix").is_visible()
    # Graph labels are whole names, not cut to a width where outlets can't be told apart.
    page.click(f"nav.jump a[href='#{sid}-provenance']")
    labels = page.locator("svg.prov .node text").all_text_contents()
    assert labels and not any(t.startswith("unnamed outlet (") for t in labels)
    # Each box shows its whole name, wrapped (its tooltip is "name (kind)"), within the box.
    boxes = page.evaluate("""() => {
        const size = e => ({width: e.getBBox().width, height: e.getBBox().height});
        return [...document.querySelectorAll('svg.prov g.node')].map(g => ({
            lines: [...g.querySelectorAll('tspan')].map(t => t.textContent),
            title: g.querySelector('title').textContent,
            text: size(g.querySelector('text')), rect: size(g.querySelector('rect'))}));
    }""")
    for b in boxes:
        assert b["title"].startswith(" ".join(b["lines"]) + " (")
        assert b["text"]["width"] <= b["rect"]["width"] - 10 and b["text"]["height"] <= b["rect"]["height"]
    assert any(len(b["lines"]) > 1 for b in boxes)  # "Brigadier General Mohammad Bagheri" wraps
