"""Renderers for the analysis: Markdown, JSON and a self-contained HTML page."""

from __future__ import annotations

from collections.abc import Sequence

from newsprism.model import Problem
from newsprism.pipeline import Analysis

FORMATS = ("md", "json", "html")


def render(analysis: Analysis, fmt: str, problems: Sequence[Problem] = ()) -> str:
    if fmt == "md":
        from newsprism.report.markdown import render_markdown

        return render_markdown(analysis, problems)
    if fmt == "json":
        from newsprism.report.jsonout import render_json

        return render_json(analysis, problems)
    if fmt == "html":
        from newsprism.report.html import render_html

        return render_html(analysis.briefs)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
