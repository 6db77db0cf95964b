"""Format by file extension, or by content for stdin and unfamiliar files."""

from __future__ import annotations

import json
import re
import zlib

from newsprism.ingest.decode import bom_encoding

# Longest first, so ".warc.gz" wins over ".gz". Any other known extension may
# also be gzipped (".html.gz", ".jsonl.gz"): see split_suffix.
SUFFIX_FORMATS: dict[str, str] = {
    ".warc.gz": "warc",
    ".arc.gz": "warc",
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


GZIP = ".gz"
GZIP_MAGIC = b"\x1f\x8b"


def split_suffix(name: str) -> tuple[str, str]:
    """(name without its extension, lower-cased known extension or the last one).

    A known extension followed by ".gz" is one extension: "a.html.gz" -> ("a", ".html.gz").
    """
    lower = name.lower()
    for suffix in SUFFIX_FORMATS:
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], suffix
    if lower.endswith(GZIP):
        stem, inner = split_suffix(name[: -len(GZIP)])
        if inner in SUFFIX_FORMATS:
            return stem, inner + GZIP
    dot = name.rfind(".")
    if dot <= 0:
        return name, ""
    return name[:dot], lower[dot:]


def suffix_format(suffix: str) -> str | None:
    """The reader for a file extension from split_suffix, or None when it names no format we know."""
    return SUFFIX_FORMATS.get(suffix) or SUFFIX_FORMATS.get(suffix.removesuffix(GZIP))


def is_gzipped(suffix: str) -> bool:
    """Content to decompress before reading; the archive readers take gzip as it is."""
    return suffix.endswith(GZIP) and SUFFIX_FORMATS.get(suffix) != "warc"


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
    """A WARC or ARC file, gzipped or not (warcio reads each gzip member of one as it is)."""
    if head.startswith(GZIP_MAGIC):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error:
            return False
    return head.lstrip().startswith((b"WARC/", b"filedesc://"))


def is_gzipped_content(head: bytes) -> bool:
    """gzip bytes that are not a web archive: a page or feed to decompress before sniffing."""
    return head.startswith(GZIP_MAGIC) and not is_archive(head)


def _is_json_lines(start: str) -> bool:
    """A complete JSON object on the first line and more content after it."""
    first, _, rest = start.partition("\n")
    try:
        json.loads(first)
    except ValueError:
        return False
    return bool(rest.strip())
