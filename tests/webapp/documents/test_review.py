import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from config.rulesets import load_ruleset
from webapp.grading.documents.review import (
    PanelMember,
    ReviewData,
    ReviewItem,
    ReviewSection,
    review_conclusion_pdf,
    review_conclusion_text,
    review_passed,
    review_total,
)

HUBEI = load_ruleset("hubei-2011")

PANEL = [
    PanelMember("张三", "组长", "宜昌市档案局"),
    PanelMember("李四", "成员", "宜昌市财政局"),
    PanelMember("王五", "成员", "夷陵区档案局"),
]


def sections(score: float = 2.25, per_section: int = 10) -> list[ReviewSection]:
    """Four sections of 10 items of 2.5 points: 100 points in all."""
    titles = ["组织管理", "基础设施", "档案业务建设", "档案利用与服务"]
    return [
        ReviewSection(
            number="一二三四"[s],
            title=title,
            items=[
                ReviewItem(
                    number=f"{s + 1}.{i + 1}",
                    title=f"{title}第{i + 1}项：档案工作纳入机关目标管理，有分管领导和专兼职档案人员",
                    max_points=2.5,
                    score=score,
                    reason="部分案卷封面项目填写不全，备考表未签名" if score < 2.5 else "",
                )
                for i in range(per_section)
            ],
        )
        for s, title in enumerate(titles)
    ]


REVIEW = ReviewData(
    organ_name="宜昌市财政局",
    ruleset=HUBEI,
    level="first",
    kind="evaluation",
    organizer="宜昌市档案局",
    reviewed_on=dt.date(2027, 3, 10),
    sections=sections(),  # 40 × 2.25 = 90
    panel=PANEL,
)


def test_exactly_90_reaches_level_one_gap_12():
    assert review_total(REVIEW) == Decimal("90")
    assert review_passed(REVIEW)
    assert review_conclusion_text(REVIEW) == "达到省一级标准"


def test_89_5_misses_level_one_arc_7_2():
    data = replace(REVIEW, total=89.5)
    assert not review_passed(data)
    assert review_conclusion_text(data) == "未达到省一级标准"


def test_level_two_line_is_80():
    assert review_passed(replace(REVIEW, level="second", total=80))
    assert not review_passed(replace(REVIEW, level="second", total=79.5))


def test_a_veto_fails_the_review_whatever_the_score():
    data = replace(REVIEW, total=99, vetoes=["两年内发生档案损毁安全事故"])
    assert not review_passed(data)
    with pytest.raises(ValueError, match="veto"):
        review_passed(replace(data, passed=True))


def test_special_grade_needs_the_panels_conclusion_gap_11():
    data = replace(REVIEW, level="special")
    with pytest.raises(ValueError, match="GAP-11"):
        review_passed(data)
    assert review_conclusion_text(replace(data, passed=True)) == "达到省特级标准"


def test_conclusion_is_a_pdf_with_the_cjk_font_embedded(embeds_cjk_font):
    raw = review_conclusion_pdf(REVIEW)
    assert raw.startswith(b"%PDF")
    embeds_cjk_font(raw)


def test_conclusion_prints_scores_total_line_panel_and_verdict(pdf_text):
    read = pdf_text(review_conclusion_pdf(REVIEW, compress=False))
    text = read.text
    for phrase in [
        "评 审 结 论",
        "被考评机关宜昌市财政局",
        "达标分数线90分",
        "序号考核项目分数评审评分扣分原因",
        "一组织管理",
        "1.1组织管理第1项",
        "部分案卷封面项目填写不全",
        "合计10090",
        "评审总分90分，达到省一级达标分数线（90分）",
        "未发现一票否决事项",
        "宜昌市财政局档案工作达到省一级标准",
        "序号姓名评审组职务工作单位签名",
        "1张三组长宜昌市档案局",
    ]:
        assert phrase in text, phrase


def test_a_long_score_table_runs_over_pages_and_repeats_its_header(pdf_text):
    data = replace(REVIEW, sections=sections(per_section=25))  # 100 items
    read = pdf_text(review_conclusion_pdf(data, compress=False))
    assert len(read.pages) >= 3
    assert all("序号考核项目分数评审评分扣分原因" in page for page in read.pages[:-1])
    assert "第 1 页  共" in read.pages[0]
    assert "4.25" in read.text  # the last item, on a later page
    assert "宜昌市财政局档案工作省一级考评评审结论" in read.pages[1]  # running head


def test_failed_review_shows_vetoes_and_the_negative_verdict(pdf_text):
    data = replace(REVIEW, kind="recheck", vetoes=["2026年发生档案损毁安全事故"])
    text = pdf_text(review_conclusion_pdf(data, compress=False)).text
    assert "存在以下一票否决事项" in text
    assert "1. 2026年发生档案损毁安全事故" in text
    assert "宜昌市财政局档案工作未达到省一级标准" in text
    assert "考评类型复查" in text


def test_special_grade_conclusion_has_no_points_line(pdf_text):
    data = replace(REVIEW, level="special", passed=True)
    text = pdf_text(review_conclusion_pdf(data, compress=False)).text
    assert "无分数线（现场评议结合抽查）" in text
    assert "宜昌市财政局档案工作达到省特级标准" in text


def test_unscored_items_print_a_dash_and_do_not_count():
    items = [ReviewItem("1", "档案信息化", 10, None), ReviewItem("2", "档案利用", 10, 9.5)]
    data = replace(REVIEW, sections=[ReviewSection("一", "业务", items)], level="second")
    assert review_total(data) == Decimal("9.5")


#: reasons whose commas fall where ReportLab's own CJK wrapping starts a line with 「，」 in the reason column
AWKWARD = [
    prefix + "缺少应归档文件3份，每份扣1分，扣3分；缺少应归档文件4份，每份扣1分，扣4分；备考表未签名，扣1分"
    for prefix in ("", "经查", "经现场抽查", "抽查2026年文书档案", "部分", "案卷", "A", "12")
]


def test_no_line_of_the_conclusion_starts_with_a_closing_punctuation_mark(pdf_text):
    """Issue 7 point 14: a reason line began with 「，」. Chinese line breaking (避头尾): no line starts with
    ，。；：、）」 and none ends with an opening mark; the text itself is unchanged."""
    items = [
        ReviewItem(number=str(n), title="收集归档", max_points=15, score=12, reason=reason)
        for n, reason in enumerate(AWKWARD, start=1)
    ]
    data = replace(REVIEW, level="second", sections=[ReviewSection("一", "档案业务建设", items)], total=None)
    read = pdf_text(review_conclusion_pdf(data, compress=False))
    lines = [run for run in read.runs if run.strip()]
    assert not [line for line in lines if line[0] in "，。；：、）」"]
    assert not [line for line in lines if line[-1] in "（「"]
    joined = read.text
    for reason in AWKWARD:
        assert reason in joined
