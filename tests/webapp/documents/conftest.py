"""Helpers for reading back the PDFs the documents module writes (uncompressed, `compress=False`, or inflated first
with `inflate` when the PDF comes compressed, as a download does).

ReportLab writes TrueType subsets with one-byte codes and a ToUnicode CMap per subset, so the text can be
recovered without a PDF library: map each string shown with Tj/TJ through the CMap of the font selected by Tf.
"""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from webapp.core.documents.fonts import FONT_PATHS

OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
BFCHAR = re.compile(rb"<([0-9A-Fa-f]{2})> <([0-9A-Fa-f]{4,})>")
TOKEN = re.compile(rb"/(\S+) [\d.]+ Tf|(\((?:\\.|[^\\)])*\))\s*Tj|\[((?:\\.|[^\]\\])*)\]\s*TJ", re.S)
STRING = re.compile(rb"\((?:\\.|[^\\)])*\)", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


@dataclass
class ReadPdf:
    raw: bytes
    #: All text shown, in content-stream order, without separators (lines wrap mid-phrase).
    text: str
    #: Text per page (page breaks are /Type /Page objects' content streams in order).
    pages: list[str]
    #: Each string shown (Tj/TJ) in order: a wrapped paragraph shows each of its lines as one string.
    runs: list[str] = field(default_factory=list)


def _unescape(literal: bytes) -> bytes:
    body = literal[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        char = body[i : i + 1]
        if char != b"\\":
            out += char
            i += 1
            continue
        following = body[i + 1 : i + 2]
        octal = re.match(rb"[0-7]{1,3}", body[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(), 8))
            i += 1 + len(octal.group())
        else:
            out += ESCAPES.get(following, following)
            i += 2
    return bytes(out)


def inflate(raw: bytes) -> bytes:
    """The PDF with its compressed streams written out plainly (ReportLab's ASCII85 and Flate filters), so that
    `read_pdf` can read a PDF as the app serves it. The byte offsets no longer match: for reading only."""

    def one(match: re.Match[bytes]) -> bytes:
        found = re.match(rb"(.*?)stream\r?\n(.*)endstream(.*)", match.group(2), re.S)
        if not found or b"/Filter" not in found.group(1):
            return match.group(0)
        head, data = found.group(1), found.group(2)
        if b"ASCII85Decode" in head:
            data = base64.a85decode(data.strip().removesuffix(b"~>"), adobe=False)
        if b"FlateDecode" in head:
            data = zlib.decompress(data)
        return match.group(1) + head + b"stream\n" + data + b"\nendstream" + found.group(3) + match.group(3)

    return re.sub(rb"(\d+ 0 obj)(.*?)(endobj)", one, raw, flags=re.S)


def read_pdf(raw: bytes) -> ReadPdf:
    objects = {int(number): body for number, body in OBJECT.findall(raw)}
    cmaps: dict[str, dict[int, str]] = {}
    for body in objects.values():
        if b"/Type /Font" not in body:
            continue
        name = re.search(rb"/Name /(\S+)", body)
        to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", body)
        if name and to_unicode:
            mapping = {
                int(code, 16): bytes.fromhex(target.decode()).decode("utf-16-be")
                for code, target in BFCHAR.findall(objects[int(to_unicode.group(1))])
            }
            cmaps[name.group(1).decode()] = mapping

    def decode(data: bytes, font: str | None) -> str:
        mapping = cmaps.get(font or "")
        if mapping is None:
            return data.decode("latin-1")
        return "".join(mapping.get(byte, "") for byte in data)

    pages: list[str] = []
    runs: list[str] = []
    for body in objects.values():
        if not re.search(rb"/Type /Page\b", body):
            continue
        contents = re.search(rb"/Contents (\d+) 0 R", body)
        if not contents:
            continue
        stream = objects[int(contents.group(1))]
        font: str | None = None
        shown: list[str] = []
        for match in TOKEN.finditer(stream):
            if match.group(1):
                font = match.group(1).decode()
            elif match.group(2):
                shown.append(decode(_unescape(match.group(2)), font))
            else:
                shown += [decode(_unescape(s), font) for s in STRING.findall(match.group(3))]
        pages.append("".join(shown))
        runs += shown
    return ReadPdf(raw=raw, text="".join(pages), pages=pages, runs=runs)


def assert_embeds_cjk_font(raw: bytes) -> None:
    if not any(path.is_file() for path in FONT_PATHS):
        pytest.skip("fonts-wqy-microhei not installed (make system-fonts)")
    assert b"/FontFile2" in raw, "the TrueType font program must be embedded"
    assert re.search(rb"/BaseFont /[A-Z]{6}\+WenQuanYiMicroHei", raw), "a WenQuanYi subset must be the font"


@pytest.fixture
def pdf_text() -> Callable[[bytes], ReadPdf]:
    """read_pdf(raw) -> ReadPdf(raw, text, pages) for a PDF rendered with compress=False."""
    return read_pdf


@pytest.fixture
def embeds_cjk_font() -> Callable[[bytes], None]:
    """Assert the PDF embeds a WenQuanYi Micro Hei subset (skips where the font is not installed)."""
    return assert_embeds_cjk_font
