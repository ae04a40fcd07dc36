from pathlib import Path

import pytest

from webapp.core.documents import fonts


@pytest.fixture
def fresh_font_registration():
    fonts.cjk_font.cache_clear()
    yield
    fonts.cjk_font.cache_clear()


def test_without_the_font_file_pdfs_fall_back_to_a_cid_font(monkeypatch, fresh_font_registration):
    monkeypatch.setattr(fonts, "FONT_PATHS", (Path("/nonexistent/wqy-microhei.ttc"),))
    assert fonts.cjk_font() == "STSong-Light"
    assert not fonts.font_is_embedded()


def test_with_the_font_file_the_embedded_font_is_used(fresh_font_registration):
    if not any(path.is_file() for path in fonts.FONT_PATHS):
        pytest.skip("fonts-wqy-microhei not installed (make system-fonts)")
    assert fonts.cjk_font() == "WenQuanYiMicroHei"
    assert fonts.font_is_embedded()
