"""Charts of a ledger period (issue 10): PNG images for a report and an inline SVG for a unit's dashboard.

Each PNG is opened with Pillow; what a chart prints is read from the matplotlib figure it was drawn from (every
text artist after drawing), so the words on the image are checked, not guessed from pixels."""

from __future__ import annotations

import logging
import re
import warnings
import xml.etree.ElementTree as ET
from decimal import Decimal
from io import BytesIO

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from webapp.articles.documents import charts
from webapp.articles.documents.charts import (
    adoptions_by_publication_png,
    points_by_month_png,
    points_by_month_svg,
    points_by_unit_png,
)

PX_PER_CM = 200 / 2.54
UNITS = [
    ("宜昌市西陵区委组织部", Decimal("125.50")),
    ("中共湖北省宜昌市夷陵区委组织部机关党委办公室", 80),
    ("伍家岗区委组织部", -12.5),
    ("点军区委组织部", 0),
]
MONTHS = [("2026-12", 20), ("2027-01", Decimal("-10")), ("2027-02", 32.5)]
SVG = "{http://www.w3.org/2000/svg}"


def drawn(chart, *args, **kwargs) -> tuple[bytes, list[str]]:  # noqa: ANN001 - a chart function
    """The PNG and every text the figure printed (title, tick labels, value labels, notes)."""
    texts: list[str] = []
    savefig = Figure.savefig

    def recording(fig: Figure, *a, **k) -> None:  # noqa: ANN002, ANN003
        savefig(fig, *a, **k)
        texts.extend(t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text())

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Figure, "savefig", recording)
        png = chart(*args, **kwargs)
    return png, texts


def image(png: bytes) -> Image.Image:
    picture = Image.open(BytesIO(png))
    picture.load()
    return picture


def has_colour(picture: Image.Image, colour: str) -> bool:
    rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return any(pixel[:3] == rgb for _count, pixel in picture.convert("RGB").getcolors(maxcolors=1 << 20))


@pytest.fixture(scope="module")
def quarter() -> tuple[bytes, list[str]]:
    return drawn(points_by_unit_png, "2027年第一季度各单位得分", UNITS)


@pytest.fixture(scope="module")
def thirty_units() -> tuple[bytes, list[str]]:
    """Thirty units above zero, at most ten bars."""
    return drawn(points_by_unit_png, "得分", [(f"单位{i}", i + 1) for i in range(30)], limit=10)


@pytest.fixture(scope="module")
def many_units() -> tuple[bytes, list[str]]:
    """A province office: 150 units, long names, a third of them below zero."""
    rows = [
        (f"湖北省第{i}县（市、区）委组织部干部监督信息工作联络办公室", (i * 37 % 90) - 30) for i in range(150)
    ]
    return drawn(points_by_unit_png, "2027年上半年各单位得分", rows)


def test_points_by_unit_is_a_png_of_16_by_9_cm_at_200_dpi_without_software_metadata(quarter):
    picture = image(quarter[0])
    assert picture.format == "PNG"
    assert abs(picture.size[0] - 16 * PX_PER_CM) <= 2 and abs(picture.size[1] - 9 * PX_PER_CM) <= 2
    assert round(picture.info["dpi"][0]) == 200
    assert "Software" not in picture.info  # matplotlib's version would make bytes differ between servers


def test_points_by_unit_prints_the_title_names_values_and_axis_in_chinese_only(quarter):
    _png, texts = quarter
    assert "2027年第一季度各单位得分" in texts
    assert "宜昌市西陵区委组织部" in texts
    assert "中共湖北省宜昌市夷陵区委组织部…" in texts  # a long name is cut to 16 characters
    assert {"125.5", "80", "-12.5", "0"} <= set(texts)  # Decimal, int and float; no trailing zeros
    assert "分" in texts
    assert not [t for t in texts if re.search("[A-Za-z]", t)], texts


def test_a_negative_total_is_drawn_in_its_own_colour(quarter, thirty_units):
    positive_only = image(thirty_units[0])
    with_negative = image(quarter[0])
    assert not has_colour(positive_only, charts.NEGATIVE)
    assert has_colour(with_negative, charts.NEGATIVE) and has_colour(with_negative, charts.POSITIVE)


def test_the_same_data_gives_the_same_bytes_and_different_data_different_bytes(quarter):
    first = quarter[0]
    assert points_by_unit_png("2027年第一季度各单位得分", list(UNITS)) == first
    assert points_by_unit_png("2027年第一季度各单位得分", [*UNITS[:-1], ("点军区委组织部", 1)]) != first


def test_150_units_grow_the_image_to_the_cap_and_a_note_counts_the_units_not_listed(many_units):
    png, texts = many_units
    picture = image(png)
    assert 9 * PX_PER_CM < picture.size[1] <= charts.MAX_HEIGHT_CM * PX_PER_CM + 1
    assert picture.size[0] <= 16 * PX_PER_CM + 1
    assert "另有110个单位未列出" in texts
    assert "湖北省第39县（市、区）委组织…" in texts and not any(t.startswith("湖北省第40县") for t in texts)
    assert has_colour(picture, charts.NEGATIVE)


def test_the_number_of_bars_can_be_lowered_and_the_note_follows(thirty_units):
    _png, texts = thirty_units
    assert "另有20个单位未列出" in texts and "单位9" in texts and "单位10" not in texts


@pytest.mark.parametrize(
    "chart", [points_by_unit_png, points_by_month_png, adoptions_by_publication_png], ids=lambda f: f.__name__
)
def test_an_empty_period_gives_an_image_that_says_there_is_no_data(chart):
    png, texts = drawn(chart, "2027年第一季度", [])
    picture = image(png)
    assert picture.format == "PNG" and abs(picture.size[1] - 9 * PX_PER_CM) <= 2
    assert texts == ["2027年第一季度", "本期暂无数据"]
    assert not has_colour(picture, charts.POSITIVE)


def test_points_by_month_reads_months_in_chinese_and_marks_the_year_when_months_span_two():
    png, texts = drawn(points_by_month_png, "各月得分", MONTHS)
    assert image(png).format == "PNG"
    assert {"12月\n2026年", "1月\n2027年", "2月", "20", "-10", "32.5", "分"} <= set(texts)
    assert not [t for t in texts if re.search("[A-Za-z]", t)], texts


def test_adoptions_by_publication_count_whole_articles():
    rows = [("中组部《组工信息》", 3), ("《湖北组工信息》", 12), ("《宜昌组工》", 41)]
    png, texts = drawn(adoptions_by_publication_png, "各刊物采用篇数", rows)
    assert image(png).format == "PNG"
    assert {"中组部《组工信息》", "3", "12", "41", "篇"} <= set(texts)
    ticks = [t for t in texts if re.fullmatch(r"-?[\d.]+", t) and t not in {"3", "12", "41"}]
    assert ticks and not [t for t in ticks if "." in t]  # an axis of whole articles


def test_a_name_with_dollar_signs_control_characters_or_emoji_is_printed_as_text():
    """'$' would start matplotlib's mathematics (an unbalanced one fails the drawing); an emoji has no glyph in
    the CJK font and becomes one box instead of a warning per character."""
    rows = [("$\\frac{甲$ 单位", 5), ("乙\n单位\x00\u202e", 3), ("😀👨‍👩‍👧丙单位", 1), ("", 2)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png, texts = drawn(points_by_unit_png, "<b>标题</b>", rows)
    assert image(png).format == "PNG"
    assert {"$\\frac{甲$ 单位", "乙 单位", "□丙单位", "（未命名）", "<b>标题</b>"} <= set(texts)


def test_odd_values_do_not_break_a_chart():
    rows = [("甲", None), ("乙", float("nan")), ("丙", float("inf")), ("丁", Decimal("0.125")), ("戊", 1e9)]
    _png, texts = drawn(points_by_unit_png, "得分", rows)
    assert texts.count("—") == 3 and "0.13" in texts and "1000000000" in texts


def test_a_missing_cjk_font_falls_back_to_the_default_font_with_a_warning(monkeypatch, caplog, tmp_path):
    monkeypatch.setattr(charts, "FONT_PATHS", (tmp_path / "absent.ttc",))
    charts._font.cache_clear()
    charts._font_glyphs.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger=charts.__name__):
            picture = image(points_by_unit_png("得分", [("甲", 1)]))
        assert picture.format == "PNG"
        assert "CJK font not found" in caplog.text
    finally:
        charts._font.cache_clear()
        charts._font_glyphs.cache_clear()


# --- the dashboard's inline SVG -------------------------------------------------------------------------------


def test_the_month_svg_has_a_bar_per_month_with_a_tooltip_and_negative_bars_below_zero():
    svg = points_by_month_svg(MONTHS, title="本单位各月得分")
    root = ET.fromstring(str(svg))
    bars = root.findall(f"{SVG}rect")
    assert [bar.find(f"{SVG}title").text for bar in bars] == [
        "2026年12月：20分",
        "2027年1月：-10分",
        "2月：32.5分",
    ]
    zero = float(root.find(f"{SVG}line").get("y1"))
    assert float(bars[0].get("y")) + float(bars[0].get("height")) == pytest.approx(zero, abs=0.11)
    assert float(bars[1].get("y")) == pytest.approx(zero, abs=0.11)
    assert root.get("aria-label") == "本单位各月得分"
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"12月", "2026年", "1月", "2027年", "2月", "20", "-10", "32.5", "单位：分"} <= texts


def test_hostile_text_in_the_svg_is_escaped_and_the_svg_stays_well_formed():
    hostile = '<script>alert("x")</script>&' + "很长" * 200 + "😀\x00\x1b"
    svg = str(points_by_month_svg([(hostile, 5), ("2027-02", 1)], unit_label="<i>", title=hostile))
    assert "<script>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;" in svg
    root = ET.fromstring(svg)  # escaped and free of control characters: parses as XML
    assert len(root.get("aria-label")) <= charts.TITLE_CHARS
    assert all(len(t.text or "") <= 12 for t in root.iter(f"{SVG}text"))


def test_a_crowded_svg_prints_every_other_month_but_always_the_year():
    months = [(f"{2026 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}", m) for m in range(7, 31)]
    root = ET.fromstring(str(points_by_month_svg(months)))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"2026年", "2027年", "2028年"} <= set(texts)
    assert len(root.findall(f"{SVG}rect")) == 24
    assert 4 < sum(1 for t in texts if t and t.endswith("月")) < 24


def test_an_empty_svg_says_there_is_no_data():
    root = ET.fromstring(str(points_by_month_svg([])))
    assert [t.text for t in root.iter(f"{SVG}text")] == ["本期暂无数据"]


@pytest.mark.parametrize(
    "chart, rows",
    [
        (points_by_unit_png, UNITS),
        (points_by_month_png, MONTHS),
        (adoptions_by_publication_png, [("《宜昌信息》", 3)]),
    ],
)
def test_a_drawn_chart_holds_neither_its_artists_nor_its_pixels_once_returned(chart, rows):
    """Issue 12 (a worker ≤ 200 MB): a figure, its canvas and its artists refer to one another, so a chart's figure
    outlived its drawing until the cyclic collector's next full pass, with its ~4 MB pixel buffer and ~2.5 MB of
    artists; a worker drawing a few charts between two passes grew by ~50 MB. With the collector held off, every
    figure the drawing made is found emptied: no axes, no text, no renderer."""
    import gc

    def figures() -> list[Figure]:
        return [thing for thing in gc.get_objects() if isinstance(thing, Figure)]

    gc.collect()
    before = {id(fig) for fig in figures()}
    gc.disable()
    try:
        chart("图", rows)
        made = [fig for fig in figures() if id(fig) not in before]
        assert made, "no figure of the chart found: the check below would prove nothing"
        for fig in made:
            assert fig.axes == [] and fig.texts == []
            assert getattr(fig.canvas, "renderer", None) is None
    finally:
        gc.enable()
