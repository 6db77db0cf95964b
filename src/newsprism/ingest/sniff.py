"""Format by file extension, or by content for stdin and unfamiliar files."""

from __future__ import annotations

import json
import re

from newsprism.ingest.decode import bom_encoding

# Any of these may also be gzipped (".jsonl.gz", ".warc.gz", ".html.gz"): files are
# decompressed when opened (ingest.limits.open_file), whatever their name.
SUFFIX_FORMATS: dict[str, str] = {
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
    """(name without its extension, lower-cased known extension (with any ".gz") or the last one)."""
    lower = name.lower()
    gz = ".gz" if lower.endswith(".gz") else ""
    for suffix in SUFFIX_FORMATS:
        full = suffix + gz
        if lower.endswith(full) and len(name) > len(full):
            return name[: -len(full)], full
    dot = name.rfind(".")
    if dot <= 0:
        return name, ""
    return name[:dot], lower[dot:]


def suffix_format(suffix: str) -> str | None:
    """The format a file extension from split_suffix names, gzipped or not."""
    return SUFFIX_FORMATS.get(suffix.removesuffix(".gz"))


def sniff(head: bytes) -> str:
    """The format of content that starts with ``head``; "text" when nothing else fits."""
    if is_archive(head):
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


def is_archive(head: bytes) -> bool:
    """A WARC or ARC file (a gzipped one arrives decompressed: ingest.limits.open_file)."""
    return head.lstrip().startswith((b"WARC/", b"filedesc://"))


def _is_json_lines(start: str) -> bool:
    """A complete JSON object on the first line and more content after it."""
    first, _, rest = start.partition("\n")
    try:
        json.loads(first)
    except RecursionError:  # nested deeper than json reads: JSON Lines if shaped like them
        return shaped_like_lines(start)
    except ValueError:
        return False
    return bool(rest.strip())


def shaped_like_lines(text: str) -> bool:
    """A first line that ends an object and a next one that starts one."""
    first, _, rest = text.lstrip().partition("\n")
    return first.rstrip().endswith("}") and rest.lstrip().startswith("{")
