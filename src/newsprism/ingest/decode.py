"""Bytes to clean text: encoding detection and the normalisation every format shares."""

from __future__ import annotations

import codecs
import re
import unicodedata

from newsprism.ingest.base import Skip

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SNIFF_BYTES = 8192
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Invisible characters that only split words for later matching. ZWJ/ZWNJ are kept on
# purpose: they change spelling in Persian, Arabic and Indic scripts.
_INVISIBLE: dict[int, str | None] = {ord(c): None for c in "\ufeff\u200b\u2060\u00ad\u180e"}
_INVISIBLE.update({c: None for c in range(0x20) if chr(c) not in "\t\n\r"})
_INVISIBLE[0x7F] = None
_CONTROL_CODES = {c for c, v in _INVISIBLE.items() if v is None and c <= 0x7F}
_INVISIBLE.update({0x2028: "\n", 0x2029: "\n\n"})
_NEWLINES = re.compile(r"\r\n?")
# A lone surrogate (JSON's "\ud800", a feed's "&#xD800;") is no character: no file, terminal or
# database takes it, so one in an article would stop the run when its report is written.
_SURROGATE = re.compile("[\ud800-\udfff]")
# A numeric character reference in markup: "&#27;", "&#x1B;", "&#xD800;", "&#99999999999;".
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9A-Fa-f]+)|([0-9]+));?")


def bom_encoding(data: bytes) -> str | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def clean_text(text: str) -> str:
    """Normalise newlines to LF, drop invisible and control characters, compose (NFC)."""
    text = _NEWLINES.sub("\n", valid_unicode(text)).translate(_INVISIBLE)
    return unicodedata.normalize("NFC", text)


def valid_unicode(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, so that it can be written out."""
    return _SURROGATE.sub("\ufffd", text)


def drop_bad_char_refs(markup: str) -> str:
    """``markup`` with each reference to a character no text holds (a control character but tab
    and newlines, a surrogate, past U+10FFFF) replaced: controls dropped, as clean_text drops
    them, the rest as U+FFFD, as browsers read them. Markup still in bytes goes through as
    latin-1, which maps every byte to one character and back.

    Such a reference stops parsers: feedparser fails on the whole feed and trafilatura drops
    every paragraph of a page that holds one.
    """
    return _CHAR_REF.sub(_fixed_char_ref, markup)


def _fixed_char_ref(m: re.Match[str]) -> str:
    hex_digits, digits = m.groups()
    number = hex_digits or digits
    code = int(number, 16 if hex_digits else 10) if len(number) <= 8 else 0x110000
    if code in _CONTROL_CODES:
        return ""
    if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return "&#xFFFD;"
    return m.group()


def decode_bytes(data: bytes, *, declared: str | None = None) -> str:
    """Decode to clean text: BOM, then UTF-8, then a declared charset, then detection.

    Raises Skip("binary") or Skip("undecodable") for content that is not text.
    """
    bom = bom_encoding(data)
    if bom is not None:
        try:
            return clean_text(data.decode(bom))
        except UnicodeDecodeError as e:
            raise Skip("undecodable", f"invalid {bom} text after the byte-order mark ({e.reason})") from e
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise Skip("binary", "binary file (contains NUL bytes), not text")
    # Bytes that decode as UTF-8 are UTF-8 whatever a page declares: pages that say
    # iso-8859-1 and are UTF-8 are common, valid UTF-8 by accident is not.
    for encoding in ("utf-8", _known_codec(declared)):
        if encoding:
            try:
                return clean_text(data.decode(encoding))
            except UnicodeDecodeError:
                pass
    return clean_text(_detect(data))


def decode_html(data: bytes, *, declared: str | None = None) -> str:
    """Like decode_bytes, but honours a <meta charset> declaration in the page."""
    if declared is None and bom_encoding(data) is None:
        m = _META_CHARSET.search(data[:_SNIFF_BYTES])
        declared = m.group(1).decode("ascii") if m else None
    return decode_bytes(data, declared=declared)


def _known_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # As browsers do (WHATWG): pages labelled latin-1 or ASCII are written in windows-1252.
    return "cp1252" if codec in ("iso8859-1", "ascii") else codec


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise Skip("undecodable", "cannot decode the text: no plausible character encoding")
    best = matches[0]
    # charset-normalizer often ties cp1250 with cp1252 on Western text and lists cp1250
    # first, which turns "naïve" into "naďve"; English news is far more often cp1252.
    for m in matches:
        tied = m.chaos <= best.chaos + 0.01 and m.coherence >= best.coherence - 0.01
        if tied and m.encoding == "cp1252":
            best = m
            break
    return str(best)
