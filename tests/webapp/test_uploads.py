"""The upload check (webapp/core/services/uploads.py): the type by content, the extension agreeing with it, the name
cleaned, the download headers. Pure functions: no app, no database."""

from __future__ import annotations

import io
import zipfile

import pytest

from webapp.core.services.errors import ServiceError
from webapp.core.services.uploads import (
    MAX_FILENAME,
    allowed_text,
    check_upload,
    clean_filename,
    content_disposition,
    is_xlsx,
    served_mime,
    sniff,
)

ALLOWED = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "zip", "ofd"})

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run"
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64


def _zip(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


def _ole(*streams: str) -> bytes:
    return OLE + b"".join(name.encode("utf-16-le") + b"\x00\x00" for name in streams)


DOCX = _zip("[Content_Types].xml", "word/document.xml")
XLSX = _zip("[Content_Types].xml", "xl/workbook.xml")
OFD = _zip("OFD.xml", "Doc_0/Document.xml")
ZIP = _zip("材料/说明.txt")


def _refused(name: str, data: bytes) -> ServiceError:
    with pytest.raises(ServiceError) as refused:
        check_upload(name, data, ALLOWED)
    assert refused.value.field == "file"
    return refused.value


@pytest.mark.parametrize(
    ("name", "data", "type_id", "mime"),
    [
        ("申报审批表.pdf", PDF, "pdf", "application/pdf"),
        ("扫描件.PNG", PNG, "png", "image/png"),
        ("照片.jpg", JPEG, "jpeg", "image/jpeg"),
        ("照片.jpeg", JPEG, "jpeg", "image/jpeg"),
        (
            "报告.docx",
            DOCX,
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "自查评分表.xlsx",
            XLSX,
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("报告.doc", _ole("Root Entry", "WordDocument"), "doc", "application/msword"),
        ("评分表.xls", _ole("Root Entry", "Workbook"), "xls", "application/vnd.ms-excel"),
        ("公文.ofd", OFD, "ofd", "application/ofd"),
        ("材料.zip", ZIP, "zip", "application/zip"),
        ("文档打包.zip", DOCX, "zip", "application/zip"),
    ],
)
def test_each_accepted_type_is_recognised_by_its_content(name, data, type_id, mime):
    checked = check_upload(name, data, ALLOWED)
    assert (checked.type.id, checked.mime, checked.filename) == (type_id, mime, name)


@pytest.mark.parametrize(
    ("name", "data"),
    [("setup.exe", EXE), ("page.html", HTML), ("page.htm", HTML), ("logo.svg", SVG), ("说明.txt", b"hello")],
)
def test_an_extension_outside_the_allowed_list_is_refused_naming_the_allowed_types(name, data):
    error = _refused(name, data)
    assert error.code == "file_type_refused"
    assert "只能上传PDF（.pdf）、OFD（.ofd）、Word（.doc、.docx）、Excel（.xls、.xlsx）" in error.message
    assert "JPEG图片（.jpg、.jpeg）、PNG图片（.png）、ZIP压缩包（.zip）" in error.message


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("setup.pdf", EXE),  # a program posing as a PDF
        ("page.pdf", HTML),  # a web page posing as a PDF
        ("logo.png", SVG),  # an SVG with script posing as a PNG
        ("说明.pdf", "这是一段文字，不是PDF".encode()),  # plain text posing as a PDF
        (
            "installer.doc",
            _ole("Root Entry", "SummaryInformation"),
        ),  # an OLE file that is no Word/Excel (.msi)
        ("宏.doc", _ole("Root Entry", "WordDocument", "_VBA_PROJECT")),  # Word with macros
        ("宏.docx", _zip("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin")),
        ("坏.zip", b"PK\x03\x04broken"),  # not a readable ZIP
        ("空.pdf", b""),
    ],
)
def test_content_that_is_none_of_the_allowed_types_is_refused(name, data):
    error = _refused(name, data)
    assert error.code in ("file_type_refused", "invalid_input")
    assert "PDF" in error.message or "为空" in error.message


@pytest.mark.parametrize(
    ("name", "data", "found"),
    [
        ("扫描件.pdf", PNG, "PNG图片"),
        ("报告.pdf", DOCX, "Word"),
        ("自查评分表.docx", XLSX, "Excel"),
        ("照片.png", JPEG, "JPEG图片"),
        ("公文.pdf", OFD, "OFD"),
        ("材料.pdf", ZIP, "ZIP压缩包"),
    ],
)
def test_an_extension_that_disagrees_with_the_content_is_refused(name, data, found):
    error = _refused(name, data)
    assert error.code == "file_type_mismatch"
    assert f"与其内容（{found}）不符" in error.message


def test_a_type_left_out_of_the_allowed_extensions_setting_is_refused():
    error = _refused_with("报告.docx", DOCX, ALLOWED - {"docx", "doc"})
    assert "Word" not in error.message.split("：", 1)[1]


def _refused_with(name: str, data: bytes, allowed: frozenset[str]) -> ServiceError:
    with pytest.raises(ServiceError) as refused:
        check_upload(name, data, allowed)
    return refused.value


def test_a_right_to_left_override_cannot_disguise_an_exe_as_a_picture():
    # 「invoice‮gpj.exe」 reads as 「invoiceexe.jpg」 on screen
    assert clean_filename("invoice\u202egpj.exe") == "invoicegpj.exe"
    assert _refused("invoice\u202egpj.exe", EXE).code == "file_type_refused"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("申报\u202e表.pdf", "申报表.pdf"),
        ("\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f报告.pdf", "报告.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\王\\桌面\\验收申请报告.pdf", "验收申请报告.pdf"),
        ("a\x00b\r\n\tc.pdf", "abc.pdf"),
        ("零宽\u200b字符\ufeff.pdf", "零宽字符.pdf"),
        ("  廉政告知书 （签字版）.pdf  ", "廉政告知书 （签字版）.pdf"),
        ("...", "file"),
        ("", "file"),
    ],
)
def test_file_names_lose_paths_and_control_and_bidi_characters_and_keep_chinese(raw, clean):
    assert clean_filename(raw) == clean


def test_a_long_file_name_is_cut_keeping_its_extension():
    name = clean_filename("档" * 300 + ".pdf")
    assert len(name) == MAX_FILENAME and name.endswith("档.pdf")


def test_the_name_stored_is_the_cleaned_one():
    assert check_upload("../\u202e申报审批表.pdf", PDF, ALLOWED).filename == "申报审批表.pdf"


def test_downloads_are_attachments_with_an_rfc_5987_utf8_name():
    header = content_disposition("申报审批表（2027）.pdf")
    assert header == (
        "attachment; filename=\"download.pdf\"; filename*=UTF-8''"
        "%E7%94%B3%E6%8A%A5%E5%AE%A1%E6%89%B9%E8%A1%A8%EF%BC%882027%EF%BC%89.pdf"
    )
    assert content_disposition('report "final".pdf') == (
        "attachment; filename=\"report final.pdf\"; filename*=UTF-8''report%20%22final%22.pdf"
    )


def test_a_stored_type_from_before_the_check_is_served_as_plain_bytes():
    assert served_mime("application/pdf") == "application/pdf"
    assert served_mime("text/html") == "application/octet-stream"
    assert served_mime("image/svg+xml") == "application/octet-stream"
    assert served_mime(None) == "application/octet-stream"


def test_the_xlsx_imports_accept_only_a_workbook_by_content():
    assert is_xlsx(XLSX)
    assert not is_xlsx(DOCX) and not is_xlsx(HTML) and not is_xlsx(b"")
    assert sniff(XLSX) == "xlsx"


def test_the_help_text_lists_what_the_setting_allows():
    assert allowed_text({"pdf", "png"}) == "PDF（.pdf）、PNG图片（.png）"


def _workbook(extra: str | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["序号", "考核项目", "分数", "评分细则"])
    saved = io.BytesIO()
    book.save(saved)
    if extra is None:
        return saved.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr(extra, b"\x00macro")
    return out.getvalue()


def test_the_xlsx_imports_check_the_content_before_parsing_it():
    """Score-table and score-sheet imports read .xlsx through `common.open_workbook`: a workbook passes, a workbook
    carrying macros or a Word file named .xlsx is refused before openpyxl sees it."""
    from webapp.core.xlsx import open_workbook as _open

    assert _open(_workbook()).active["A1"].value == "序号"
    for refused in (_workbook("xl/vbaProject.bin"), DOCX, HTML):
        with pytest.raises(ValueError, match="not an .xlsx workbook"):
            _open(refused)
