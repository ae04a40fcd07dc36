import datetime as dt
from dataclasses import replace

from config.rulesets import load_ruleset
from webapp.grading.documents.certificates import CertificateData, certificate_pdf

HUBEI = load_ruleset("hubei-2011")

CERTIFICATE = CertificateData(
    organ_name="宜昌市财政局",
    ruleset=HUBEI,
    level="first",
    kind="evaluation",
    certificate_number="鄂档证〔2027〕第0123号",
    valid_from=dt.date(2027, 3, 15),
    valid_until=dt.date(2030, 3, 14),
    issued_on=dt.date(2027, 3, 15),
    approved_by="宜昌市档案局",
)


def test_certificate_is_one_landscape_a4_page_with_the_cjk_font_embedded(embeds_cjk_font, pdf_text):
    raw = certificate_pdf(CERTIFICATE, compress=False)
    assert raw.startswith(b"%PDF")
    embeds_cjk_font(raw)
    assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in raw
    assert len(pdf_text(raw).pages) == 1


def test_certificate_names_organ_level_number_validity_and_issuer_arc_10_5_5(pdf_text):
    text = pdf_text(certificate_pdf(CERTIFICATE, compress=False)).text
    for phrase in [
        "机关档案工作目标管理等级证书",
        "宜昌市财政局：",
        "经考评，你单位档案工作达到湖北省机关档案工作目标管理",
        "省一级",
        "标准。特发此证。",
        "证书编号：鄂档证〔2027〕第0123号",
        "有效期：二〇二七年三月十五日至二〇三〇年三月十四日",
        "审批机关：宜昌市档案局",
        "湖北省档案局二〇二七年三月十五日",
    ]:
        assert phrase in text
    assert "复查" not in text


def test_recheck_gives_a_recheck_pass_certificate_from_the_province_arc_11_4_gap_7(pdf_text):
    data = replace(CERTIFICATE, kind="recheck", level="special", date_style="arabic")
    text = pdf_text(certificate_pdf(data, compress=False)).text
    assert "机关档案工作目标管理等级复查合格证书" in text
    assert "经复查，你单位档案工作继续保持" in text
    assert "省特级" in text
    assert "复查合格。特发此证。" in text
    assert "湖北省档案局2027年3月15日" in text


def test_a_certificate_approved_by_the_province_itself_has_no_approver_line(pdf_text):
    data = replace(CERTIFICATE, approved_by="湖北省档案局")
    assert "审批机关" not in pdf_text(certificate_pdf(data, compress=False)).text


def test_a_long_organ_name_stays_on_the_one_page(pdf_text):
    data = replace(CERTIFICATE, organ_name="中国人民银行宜昌市中心支行夷陵区支行营业管理部办公室档案室")
    read = pdf_text(certificate_pdf(data, compress=False))
    assert len(read.pages) == 1
    assert data.organ_name in read.text
