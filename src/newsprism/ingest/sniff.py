"""Format by file extension, or by content for stdin and unfamiliar files."""

from __future__ import annotations

import json
import re

from newsprism.ingest.decode import bom_encoding

# Longest first, so ".warc.gz" wins over ".gz".
SUFFIX_FORMATS: dict[str, str] = {
    ".warc.gz": "warc",
    ".arc.gz": "warc",
    ".jsonl.gz": "jsonl",
    ".ndjson.gz": "jsonl",
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
    ".arc": "warc",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "xml",
}
_FEED = re.compile(r"<(?:rss|feed|rdf:RDF)[\s>]", re.I)
_HTML = re.compile(r"<(?:!doctype\s+html|html|head|body|article|p|div)[\s>]", re.I)


def split_suffix(name: str) -> tuple[str, str]:
    """(name without its extension, lower-cased known extension or the last one)."""
    lower = name.lower()
    for suffix in SUFFIX_FORMATS:
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    dot = name.rfind(".")
    if dot <= 0:
        return name, ""
    return name[:dot], lower[dot:]


def sniff(head: bytes) -> str:
    """The format of content that starts with ``head``; "text" when nothing else fits."""
    if head.startswith(b"\x1f\x8b") or head.startswith(b"WARC/"):
        # gzip alone is not proof of WARC, but it is the only compressed input we sniff.
        return "warc"
    encoding = bom_encoding(head) or "utf-8"
    start = head.decode(encoding, errors="ignore").lstrip("\ufeff \t\r\n")
    if start.startswith("["):
        return "json"
    if start.startswith("{"):
        # A first line longer than the head looks like "json"; the JSON reader still
        # recognises JSON Lines when json.loads stops at "Extra data".
        return "jsonl" if _is_json_lines(start) else "json"
    if start.startswith("<"):
        window = start[:4096]
        if _FEED.search(window):
            return "feed"
        if _HTML.search(window):
            return "html"
        return "xml"
    return "text"


def _is_json_lines(start: str) -> bool:
    """A complete JSON object on the first line and more content after it."""
    first, _, rest = start.partition("\n")
    try:
        json.loads(first)
    except ValueError:
        return False
    return bool(rest.strip())
