"""Renderers for the analysis: Markdown, JSON and a self-contained HTML page."""

from __future__ import annotations

from newsprism.model import Analysis

FORMATS = ("md", "json", "html")


def render(analysis: Analysis, fmt: str) -> str:
    if fmt == "md":
        from newsprism.report.markdown import render_markdown

        return render_markdown(analysis)
    if fmt == "json":
        from newsprism.report.jsonout import render_json

        return render_json(analysis)
    if fmt == "html":
        from newsprism.report.html import render_html

        return render_html(analysis.briefs)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
