"""Scheme administration pages: import a bureau's official table from .xlsx (valid and invalid), save it as a new
version, activate it for new cases; who may do so (sys_admin, the provincial bureau's head)."""

from __future__ import annotations

import html
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from webapp.core.extensions import db
from webapp.scoring.models import SchemeVersion
from webapp.scoring.services import schemes


def official_table(section_one: str = "组织管理（40分）") -> bytes:
    """A table in the familiar layout 序号 | 考核项目 | 分数 | 评分细则 (100 points, one veto line)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "评分表"
    rows = [
        ["某市机关档案工作考评评分表（2027年修订）"],
        ["序号", "考核项目", "分数", "评分细则"],
        ["一", section_one, None, None],
        ["1", "领导重视", 20, "未纳入工作计划扣5分，未明确分管领导扣5分。"],
        ["2", "档案人员", 20, "配备专职档案人员。每缺一人扣2分。"],
        ["二", "业务建设（60分）", None, None],
        ["1", "收集归档", 50, "应归档文件齐全。每缺一份扣1分。"],
        ["2", "利用服务", "1—10", "开展编研，视情况评分。"],
        ["3", "档案安全", "否决", "两年内发生档案安全事故的，一票否决。"],
        ["合计", None, 100, None],
    ]
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, content: bytes, version: str = "2027.1", **extra):  # noqa: ANN001
    data = {
        "file": (io.BytesIO(content), "table.xlsx"),
        "scheme_id": "yc-archive",
        "version": version,
        "name": "",
        "ruleset_id": "hubei-2011",
        **extra,
    }
    return client.post("/admin/schemes/import", data=data, content_type="multipart/form-data")


def test_a_valid_table_is_reported_then_saved_as_a_new_version_and_activated(world, client, auth):
    auth.login("admin")
    response = upload(client, official_table())
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "校验通过：某市机关档案工作考评评分表（2027年修订）" in page
    assert "2 个部分、5 个考核项目，总分 100 分" in page
    assert "省二级 80分" in page and "省一级 90分" in page  # from the ruleset (ARC-7.2)
    toml_text = html.unescape(re.search(r'name="toml_text" type="hidden" value="([^"]*)"', page).group(1))
    response = client.post("/admin/schemes/save", data={"toml_text": toml_text})
    assert response.status_code == 302
    with world.app_context():
        row = db.session.scalar(sa.select(SchemeVersion).where(SchemeVersion.scheme_id == "yc-archive"))
        assert (row.version, row.source, row.active_for) == ("2027.1", "imported", None)
        assert row.imported_by.username == "admin"
        scheme = schemes.version_scheme(row)
        assert [i.kind for i in scheme.items()] == ["deduction", "deduction", "deduction", "award", "veto"]
        row_id = row.id
    show = client.get(f"/admin/schemes/{row_id}").get_data(as_text=True)
    assert "收集归档" in show and "每缺一份扣1分" in show
    response = client.post(f"/admin/schemes/{row_id}/activate", data={"ruleset_id": "hubei-2011"})
    assert response.status_code == 302
    with world.app_context():
        assert schemes.active_scheme_for("hubei-2011") == ("yc-archive", "2027.1")
        assert (
            db.session.scalar(
                sa.select(SchemeVersion.active_for).where(SchemeVersion.scheme_id == "hubei-archive-sample")
            )
            is None
        )
    listing = client.get("/admin/schemes/").get_data(as_text=True)
    assert (
        'data-scheme="yc-archive@2027.1"' in listing
        and "用于新案件（湖北省机关档案工作目标管理等级考评办法（鄂档规[2011]1号））" in listing
    )
    assert "2部分 / 5项 / 100分" in listing


def test_an_invalid_table_is_reported_cell_by_cell_and_nothing_is_saved(world, client, auth):
    auth.login("admin")
    response = upload(client, official_table(section_one="组织管理（45分）"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "校验未通过，未保存" in page
    assert "<code>评分表!C3</code>" in page
    assert "部分「组织管理」分数为45，但所含项目合计40分" in page
    with world.app_context():
        assert (
            db.session.scalar(sa.select(SchemeVersion).where(SchemeVersion.scheme_id == "yc-archive")) is None
        )


def test_an_existing_version_number_is_refused_beside_the_field(world, client, auth):
    auth.login("admin")
    response = upload(client, official_table(), scheme_id="hubei-archive-sample", version="sample-1")
    assert response.status_code == 400
    assert "评分表 hubei-archive-sample 已有版本 sample-1，请换一个版本号" in response.get_data(as_text=True)


def test_a_table_without_pass_lines_cannot_be_activated_for_the_procedure(world, client, auth):
    auth.login("admin")
    page = upload(client, official_table(), ruleset_id="").get_data(as_text=True)
    assert "未设达标分数线" in page
    toml_text = html.unescape(re.search(r'name="toml_text" type="hidden" value="([^"]*)"', page).group(1))
    client.post("/admin/schemes/save", data={"toml_text": toml_text})
    with world.app_context():
        row_id = db.session.scalar(sa.select(SchemeVersion.id).where(SchemeVersion.scheme_id == "yc-archive"))
    response = client.post(
        f"/admin/schemes/{row_id}/activate", data={"ruleset_id": "hubei-2011"}, follow_redirects=True
    )
    assert "未设省二级、省一级的达标分数线" in response.get_data(as_text=True)
    with world.app_context():
        assert schemes.active_scheme_for("hubei-2011") == ("hubei-archive-sample", "sample-1")


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("admin", 200),
        ("prov-head", 200),  # head of the provincial bureau, which issues the official table
        ("city-head", 403),
        ("prov-staff", 403),
        ("unit-county", 403),
        ("reviewer-1", 403),
    ],
)
@pytest.mark.parametrize("route", ["/admin/schemes/", "/admin/schemes/import"])
def test_who_may_manage_scoring_tables(world, client, auth, username, status, route):
    auth.login(username)
    assert client.get(route).status_code == status


def test_a_city_bureau_head_cannot_import_by_posting_directly(world, client, auth):
    auth.login("city-head")
    assert upload(client, official_table()).status_code == 403
    with world.app_context():
        assert (
            db.session.scalar(sa.select(SchemeVersion).where(SchemeVersion.scheme_id == "yc-archive")) is None
        )


def test_shipped_schemes_are_registered_once_and_the_sample_is_active_for_hubei(world):
    with world.app_context():
        from webapp.core.services import transaction

        with transaction():
            assert schemes.register_shipped_schemes() == 0  # the world fixture registered them
        refs = {row.ref for row in schemes.list_versions()}
        assert {"sta-2017@2017.1", "hubei-archive-sample@sample-1"} <= refs
        assert schemes.active_scheme_for("hubei-2011") == ("hubei-archive-sample", "sample-1")


def test_the_versions_list_counts_every_versions_subjects_in_one_statement_per_procedure(world, client, auth):
    """The list shows how many cases and campaigns record each version (a version in use is not replaced): one
    grouped count per procedure, however many versions there are (a count per version scanned every case)."""
    from tests.factories import make_bureau, make_case, make_organ
    from tests.webapp.sql_count import count_statements
    from webapp.campaigns.models import Campaign
    from webapp.grading.models import Case
    from webapp.scoring.services.scoresheets.subject import procedures

    with world.app_context():
        rows = schemes.list_versions()
        first, second = rows[0], rows[1]
        organ = make_organ(make_bureau())
        for row in (first, first, second):
            make_case(organ, scheme_id=row.scheme_id, scheme_version=row.version)
        db.session.commit()
        rows = schemes.list_versions()
        with count_statements(world) as seen:
            usage = schemes.cases_using(rows)
        assert seen.count == len(procedures()) == 2 and len(rows) > 2
        for row in rows:
            expected = sum(
                db.session.scalar(
                    sa.select(sa.func.count()).where(
                        model.scheme_id == row.scheme_id, model.scheme_version == row.version
                    )
                )
                for model in (Case, Campaign)
            )
            assert usage[row.id] == expected, row.ref
        assert (usage[first.id], usage[second.id]) == (2, 1)
    auth.login("admin")
    listing = client.get("/admin/schemes/").get_data(as_text=True)
    assert f"<td>{usage[rows[0].id]}</td>" in listing
