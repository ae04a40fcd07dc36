import datetime as dt
from dataclasses import replace

import pytest

from config.rulesets import load_ruleset
from webapp.grading.documents.letters import LetterData, confirmation_letter_pdf, copies, letter_title

HUBEI = load_ruleset("hubei-2011")

LETTER = LetterData(
    bureau_name="宜昌市档案局",
    document_number="宜档函〔2027〕12号",
    organ_name="宜昌市财政局",
    ruleset=HUBEI,
    level="first",
    kind="evaluation",
    passed_on=dt.date(2027, 3, 10),
    valid_from=dt.date(2027, 3, 15),
    valid_until=dt.date(2030, 3, 14),
    issued_on=dt.date(2027, 3, 15),
    review_score=92.5,
)


def test_letter_is_a_pdf_with_the_cjk_font_embedded(embeds_cjk_font):
    raw = confirmation_letter_pdf(LETTER)
    assert raw.startswith(b"%PDF")
    embeds_cjk_font(raw)


def test_the_same_letter_renders_to_the_same_bytes():
    assert confirmation_letter_pdf(LETTER) == confirmation_letter_pdf(LETTER)


def test_letter_states_result_validity_and_recheck_duty_arc_10_5_4(pdf_text):
    letter = pdf_text(confirmation_letter_pdf(LETTER, compress=False))
    assert len(letter.pages) == 1
    for phrase in [
        "宜昌市档案局",
        "宜档函〔2027〕12号",
        "关于确认宜昌市财政局档案工作达到省一级标准的函",
        "宜昌市财政局：",
        "《湖北省机关档案工作目标管理等级考评办法》（鄂档规〔2011〕1号）",
        "于2027年3月10日通过省一级考评（评审得分92.5分）",
        "有效期三年，自2027年3月15日起至2030年3月14日止",
        "应在有效期满的当年（2030年）提出复查申请",
        "等级证书由湖北省档案局统一制作、颁发",
        "享受档案达标先进单位奖励政策",  # ARC-14.1: 省一级
        "宜昌市档案局2027年3月15日",  # signature block
    ]:
        assert phrase in letter.text
    assert "备案" not in letter.text
    assert "抄送" not in letter.text


def test_special_recheck_letter_confirms_the_recheck_and_the_filing_with_the_province_arc_9_3(pdf_text):
    data = replace(
        LETTER,
        document_number="宜档函〔2027〕31号",
        organ_name="夷陵区人民政府办公室",
        level="special",
        kind="recheck",
        review_score=None,
        filed_with="湖北省档案局",
        date_style="hanzi",
    )
    text = pdf_text(confirmation_letter_pdf(data, compress=False)).text
    assert "关于确认夷陵区人民政府办公室档案工作省特级复查合格的函" in text
    assert "于二〇二七年三月十日通过省特级复查，经我局审批，确认复查合格" in text
    assert "复查合格证书由湖北省档案局统一制作、颁发" in text
    assert "本次复查材料按规定报湖北省档案局备案" in text
    assert "抄送：湖北省档案局。" in text
    assert text.endswith("二〇二七年三月十五日抄送：湖北省档案局。")


def test_level_two_letter_promises_no_reward_policy_arc_14_1(pdf_text):
    text = pdf_text(confirmation_letter_pdf(replace(LETTER, level="second"), compress=False)).text
    assert "达到省二级标准" in text
    assert "奖励政策" not in text


def test_filing_bureau_is_copied_once_before_other_copies():
    data = replace(LETTER, filed_with="宜昌市档案局", copy_to=["宜昌市档案局", "夷陵区财政局"])
    assert copies(data) == ["宜昌市档案局", "夷陵区财政局"]


def test_a_given_title_wins_and_markup_in_names_is_printed_as_text(pdf_text):
    data = replace(LETTER, title="关于<确认>的函", organ_name="A&B局")
    assert letter_title(data) == "关于<确认>的函"
    text = pdf_text(confirmation_letter_pdf(data, compress=False)).text
    assert "关于<确认>的函" in text
    assert "A&B局：" in text


def test_unknown_level_is_refused():
    with pytest.raises(ValueError, match="level"):
        confirmation_letter_pdf(replace(LETTER, level="gold"))
