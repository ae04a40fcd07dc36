"""A CJK font for reportlab: WenQuanYi Micro Hei embedded as TrueType, else the built-in STSong-Light CID font.

Embedding matters: a PDF that relies on the reader's fonts shows empty boxes on machines without Chinese fonts.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

WQY_MICROHEI = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
TTF_NAME = "WenQuanYiMicroHei"
CID_FALLBACK = "STSong-Light"

_registered: str | None = None


def register_cjk_font(path: Path | str = WQY_MICROHEI) -> str:
    """Register the CJK font once and return its reportlab name."""
    global _registered
    if _registered is not None:
        return _registered
    font_path = Path(path)
    if font_path.is_file():
        pdfmetrics.registerFont(TTFont(TTF_NAME, str(font_path), subfontIndex=0))
        _registered = TTF_NAME
    else:
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
        _registered = CID_FALLBACK
    return _registered


def cjk_font_name() -> str:
    """The font name to use in canvases and paragraph styles for Chinese text."""
    return register_cjk_font()
