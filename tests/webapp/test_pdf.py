from io import BytesIO

from reportlab.pdfgen import canvas

from webapp import pdf


def test_wenquanyi_is_embedded_when_present():
    name = pdf.cjk_font_name()
    if pdf.WQY_MICROHEI.is_file():
        assert name == pdf.TTF_NAME
    buffer = BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont(name, 12)
    page.drawString(72, 720, "机关档案工作目标管理等级考评")
    page.save()
    data = buffer.getvalue()
    assert data.startswith(b"%PDF")
    if name == pdf.TTF_NAME:
        assert b"FontFile2" in data  # the TrueType subset is embedded


def test_falls_back_to_cid_font_when_the_file_is_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "_registered", None)
    assert pdf.register_cjk_font(tmp_path / "missing.ttc") == pdf.CID_FALLBACK
    monkeypatch.setattr(pdf, "_registered", None)
