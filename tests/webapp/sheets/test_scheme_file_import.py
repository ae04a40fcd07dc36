"""Admin import of a scheme file (.toml): a corrected download comes back in; a file that is not UTF-8 (GBK,
binary) or breaks a rule is reported in Chinese, naming the file or the item as the table shows it (issue 7,
points 9 and 13). Nothing is saved until the report is clean."""

from __future__ import annotations

import dataclasses
import html
import io
import re

import sqlalchemy as sa

from config.schemes import load_scheme, parse_scheme_text, scheme_to_toml
from webapp.core.extensions import db
from webapp.scoring.models import SchemeVersion


def upload(client, content: bytes, filename: str, scheme_id: str = "lrn", version: str = "2"):  # noqa: ANN001
    data = {
        "file": (io.BytesIO(content), filename),
        "scheme_id": scheme_id,
        "version": version,
        "name": "",
        "ruleset_id": "",
    }
    return client.post("/admin/schemes/import", data=data, content_type="multipart/form-data")


def lrn_v2() -> str:
    return scheme_to_toml(load_scheme("lrn")).replace('version = "1"', 'version = "2"')


def test_a_corrected_scheme_file_is_validated_and_offered_for_saving(world, client, auth):
    auth.login("admin")
    response = upload(client, lrn_v2().encode("utf-8"), "lrn-2.toml")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "校验通过" in page and 'name="toml_text"' in page


def test_a_gbk_scheme_file_is_a_chinese_error_naming_the_file(world, client, auth):
    auth.login("admin")
    response = upload(client, lrn_v2().encode("gbk"), "学习型组织.toml")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<code>学习型组织.toml</code>" in page
    assert "文件不是UTF-8编码的文本" in page
    assert "Traceback" not in page and "UnicodeDecodeError" not in page
    with world.app_context():
        assert db.session.scalar(sa.select(SchemeVersion).where(SchemeVersion.version == "2")) is None


def test_a_binary_file_named_toml_is_refused_the_same_way(world, client, auth):
    auth.login("admin")
    response = upload(client, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "picture.toml")
    assert response.status_code == 400
    assert "文件不是UTF-8编码的文本" in response.get_data(as_text=True)


def test_a_rule_broken_in_the_file_names_the_item_as_the_table_shows_it(world, client, auth):
    auth.login("admin")
    broken = lrn_v2().replace("discretionary = 25", "discretionary = 26")
    response = upload(client, broken.encode("utf-8"), "lrn-2.toml")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<code>考核项目「三、1 行政推动工作」</code>" in page
    assert "酌情扣分上限26分应在0到本项分数25分之间" in page
    assert "LRN-3.1" not in page.split("校验未通过")[1].split("</table>")[0]


def test_a_file_whose_id_differs_from_the_form_is_refused_beside_the_field(world, client, auth):
    auth.login("admin")
    response = upload(client, lrn_v2().encode("utf-8"), "lrn-2.toml", scheme_id="other-table")
    assert response.status_code == 400
    assert "文件中的评分表编号是「lrn」，与填写的「other-table」不一致" in response.get_data(as_text=True)


def test_an_xlsx_that_is_not_a_workbook_names_the_file(world, client, auth):
    auth.login("admin")
    response = upload(client, "序号,考核项目".encode("gbk"), "附件2.xlsx", scheme_id="yc-archive")
    assert response.status_code == 400
    assert "无法读取「附件2.xlsx」" in response.get_data(as_text=True)


def test_a_table_downloaded_as_excel_and_uploaded_unchanged_keeps_every_rule(world, client, auth):
    """下载Excel表 → 上传: the hidden definition comes back, so vetoes and measured rules are not re-guessed."""
    auth.login("admin")
    with world.app_context():
        row_id = db.session.scalar(
            sa.select(SchemeVersion.id).where(SchemeVersion.scheme_id == "hubei-archive-sample")
        )
    download = client.get(f"/admin/schemes/{row_id}.xlsx")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    response = client.post(
        "/admin/schemes/import",
        data={
            "file": (io.BytesIO(download.data), "hubei.xlsx"),
            "scheme_id": "hubei-archive-sample",
            "version": "sample-2",
            "name": "",
            "ruleset_id": "",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    page = response.get_data(as_text=True)
    assert "校验通过" in page
    toml_text = html.unescape(re.search(r'name="toml_text" type="hidden" value="([^"]*)"', page).group(1))
    again = parse_scheme_text(toml_text, "again.toml")
    original = load_scheme("hubei-archive-sample")
    assert again == dataclasses.replace(original, version="sample-2")


def test_only_scheme_managers_download_the_excel_table(world, client, auth):
    auth.login("unit-county")
    assert client.get("/admin/schemes/1.xlsx").status_code == 403
