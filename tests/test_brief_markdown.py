"""The Markdown brief at a glance: what it cuts it says it cut, and claims come in the order a reader needs."""

from __future__ import annotations

import dataclasses

from newsprism.model import Claim, Origin
from newsprism.report.glance import claim_order
from newsprism.report.markdown import MAX_ROWS, _Cites, claims_section, render_brief

from fixtures.framing.sample import make_brief


def _claim(i: int, outlets: list[str], text: str | None = None) -> Claim:
    return Claim(id=f"x{i:03d}", text=text or f"Claim {chr(65 + i % 26)}{chr(65 + i // 26)} is made", articles=[f"a{j}" for j in range(len(outlets))],
                 outlets=outlets, independent_sources=1, origins=[Origin(name="Bay Chronicle", kind="outlet")])


def _many_claims() -> list[Claim]:
    spread = [_claim(i, ["Bay Chronicle", "Harbor Voice"][: 1 + (i % 2)] + ["Coastline Daily"] * (i % 3 == 0)) for i in range(40)]
    # Two single-outlet claims with figures, found last: they must still be shown.
    return [*spread, _claim(98, ["Evil Post"], "Crews launched 4,000 drones"), _claim(99, ["Evil Post"], "Plans for 6,000 more")]


def test_claims_widely_carried_first_then_single_outlet_with_figures_first() -> None:
    claims = _many_claims()
    spread, unsure, single = claim_order(claims)
    assert not unsure  # every outlet named
    assert [len(set(c.outlets)) for c in spread] == sorted((len(set(c.outlets)) for c in spread), reverse=True)
    assert all(len(set(c.outlets)) > 1 for c in spread) and all(len(set(c.outlets)) == 1 for c in single)
    assert [c.id for c in single[:2]] == ["x098", "x099"]  # figures before the other single-outlet claims
    assert len(spread) + len(single) == len(claims)


def test_cut_sections_say_how_much_was_cut_and_where_the_rest_is() -> None:
    brief = dataclasses.replace(make_brief(), claims=_many_claims())
    text = "\n".join(render_brief(brief))
    spread, _, _ = claim_order(brief.claims)
    assert len(spread) > MAX_ROWS
    assert f"*{len(spread) - MAX_ROWS} more claims carried by several outlets not shown:" in text
    assert "--format json" in text
    # The single-outlet figures survive the cut of the long widely-carried list.
    assert "4,000 drones" in text and "6,000 more" in text


def test_nothing_cut_says_nothing() -> None:
    brief = make_brief()
    lines = claims_section(brief, brief.articles, _Cites(brief.articles))
    assert not any("not shown" in ln for ln in lines)
