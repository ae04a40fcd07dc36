"""The CJK font for generated PDFs: WenQuanYi Micro Hei, embedded (subset) in every file.

An embedded font makes a letter or certificate print the same on any machine, including offline readers on
closed networks. If the font file is missing, fall back to Adobe's STSong-Light CID font: still readable, but
not embedded, so the reader must supply a Chinese font.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

log = logging.getLogger(__name__)

#: Where Debian (fonts-wqy-microhei) and Fedora/RHEL install the font; the first existing file wins.
FONT_PATHS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"),
)
#: ReportLab name of the embedded font; the PDF's BaseFont reads "WenQuanYiMicroHei".
EMBEDDED_FONT = "WenQuanYiMicroHei"
#: Non-embedded fallback, built into every PDF reader with Chinese support.
FALLBACK_FONT = "STSong-Light"


@functools.cache
def cjk_font() -> str:
    """Register the CJK font once and return its ReportLab name."""
    # Imported here: the charts read FONT_PATHS and must not load ReportLab at start-up (tests/webapp/test_startup.py)
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    for path in FONT_PATHS:
        if path.is_file():
            # subfontIndex=0: the .ttc holds Micro Hei (0) and Micro Hei Mono (1).
            pdfmetrics.registerFont(TTFont(EMBEDDED_FONT, str(path), subfontIndex=0))
            name = EMBEDDED_FONT
            break
    else:
        log.warning("CJK font not found in %s; PDFs use %s, not embedded", FONT_PATHS, FALLBACK_FONT)
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
        name = FALLBACK_FONT
    # The font has no bold or italic face: map <b>/<i> in paragraphs to the regular face instead of failing.
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(name, bold, italic, name)
    return name


def font_is_embedded() -> bool:
    return cjk_font() == EMBEDDED_FONT
