"""The layered drawing of the provenance graph: rows ordered so that lines cross as little as they can."""

from __future__ import annotations

from newsprism.report.html import provenance_svg_model, wrap_label
from newsprism.report.layers import crossings, layer

from fixtures.framing.sample import make_brief


def test_crossings_counts_pairs_of_lines_that_cross() -> None:
    assert crossings(["a", "b"], ["x", "y"], [("a", "y"), ("b", "x")]) == 1
    assert crossings(["a", "b"], ["x", "y"], [("a", "x"), ("b", "y")]) == 0
    assert crossings(["a", "b"], ["x", "y"], [("a", "x"), ("a", "y")]) == 0  # one source fans out


def test_rows_are_ordered_so_lines_do_not_cross() -> None:
    # Given in the worst order: every line crosses every other (3 pairs); untangled, none does.
    cols = [["a", "b", "c"], ["x", "y", "z"]]
    edges = [("a", "z"), ("b", "y"), ("c", "x")]
    assert sum(crossings(cols[0], cols[1], [e]) for e in edges) == 0
    assert crossings(cols[0], cols[1], edges) == 3
    out = layer(cols, edges)
    assert out.crossings == 0
    assert crossings(out.columns[0], out.columns[1], edges) == 0


def test_long_lines_pass_each_column_and_share_the_way_into_one_node() -> None:
    # a and b both reach z two columns on: one waypoint in the middle column carries both.
    cols = [["a", "b"], ["m"], ["z"]]
    out = layer(cols, [("a", "z"), ("b", "z"), ("a", "m"), ("z", "a")])
    assert out.waypoints == {0: [("z", 1)], 1: [("z", 1)]}
    assert out.columns[1].count(("z", 1)) == 1 and "m" in out.columns[1]
    assert 3 not in out.waypoints  # a line back to an earlier column is drawn around the side


def test_graph_labels_wrap_instead_of_being_cut() -> None:
    name = "Supreme National Security Council of the Islamic Republic"
    lines = wrap_label(name)
    assert len(lines) == 3 and " ".join(lines) == name and all(len(x) <= 30 for x in lines)
    assert wrap_label("x " * 100)[-1].endswith("…")  # past three lines, cut
    brief = make_brief()
    voss = next(n for n in brief.provenance.nodes if n.id == "p:voss")
    voss.name = name
    g = provenance_svg_model(brief)
    node = next(n for n in g["nodes"] if n.node.id == "p:voss")
    assert " ".join(node.lines) == name
    assert all(n.height == node.height for n in g["nodes"])  # every box as tall as the tallest label


def test_crossings_counted_fast_agree_with_every_pair_tried() -> None:
    import random
    from itertools import combinations

    rng = random.Random(5)
    for _ in range(200):
        upper, lower = list(range(rng.randint(1, 8))), list("abcdefgh"[: rng.randint(1, 8)])
        links = list(dict.fromkeys((rng.choice(upper), rng.choice(lower)) for _ in range(rng.randint(0, 20))))
        ends = [(upper.index(a), lower.index(b)) for a, b in links]
        every_pair = sum(1 for (a1, b1), (a2, b2) in combinations(ends, 2) if (a1 - a2) * (b1 - b2) < 0)
        assert crossings(upper, lower, links) == every_pair
