"""Attachments on the case page: refused types, download headers, delete and replace while the step allows it,
and a unit deleting its own draft (from the case page and the unit page)."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from tests.webapp.views.case_walk import walk
from webapp.core.extensions import db
from webapp.grading.models import Attachment, Case


def _page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def draft(demo):
    with demo.app_context():
        return walk("unit-county", to="draft")


def _upload(client, case_id: int, data: bytes, name: str, kind: str = "application_form", **extra):
    return client.post(
        f"/cases/{case_id}/attachments",
        data={"kind": kind, "file": (io.BytesIO(data), name), **extra},
        content_type="multipart/form-data",
    )


def _ids(client, case_id: int) -> list[int]:
    with client.application.app_context():
        return list(
            db.session.scalars(
                sa.select(Attachment.id).where(Attachment.case_id == case_id).order_by(Attachment.id)
            )
        )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 60, "不接受扩展名为“.exe”的文件"),
        ("page.html", b"<html><script>alert(1)</script></html>", "不接受扩展名为“.html”的文件"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "“.svg”"),
        ("申报审批表.pdf", "只是文字".encode(), "文件内容不是可接受的格式"),
        ("申报审批表.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "文件扩展名“.pdf”与其内容（PNG图片）不符"),
    ],
)
def test_a_refused_upload_says_why_beside_the_file_and_keeps_the_kind(
    draft, client, auth, name, data, message
):
    auth.login("unit-county")
    response = _upload(client, draft, data, name, kind="self_check_sheet")
    assert response.status_code == 400
    page = _page(response)
    assert message in page
    assert "PDF（.pdf）" in page  # the accepted types, in the message or the help text
    assert re.search(r'<option selected value="self_check_sheet">|value="self_check_sheet" selected', page)
    assert _ids(client, draft) == []


def test_the_upload_page_names_the_accepted_types(draft, client, auth):
    auth.login("unit-county")
    page = _page(client.get(f"/cases/{draft}/attachments"))
    assert "支持PDF（.pdf）、OFD（.ofd）、Word（.doc、.docx）、Excel（.xls、.xlsx）" in page
    assert "按文件内容检查" in page


def test_a_download_has_a_fixed_type_nosniff_and_an_rfc_5987_name(draft, client, auth):
    auth.login("unit-county")
    # the browser claims text/html; the bytes are a PDF
    response = client.post(
        f"/cases/{draft}/attachments",
        data={
            "kind": "application_form",
            "file": (io.BytesIO(b"%PDF-1.4 form"), "\u202e申报审批表.pdf", "text/html"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    (attachment_id,) = _ids(client, draft)
    download = client.get(f"/cases/{draft}/attachments/{attachment_id}")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 form"
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=\"download.pdf\"; filename*=UTF-8''%E7%94%B3%E6%8A%A5%E5%AE%A1%E6%89%B9%E8%A1%A8.pdf"
    )


def test_a_file_stored_before_the_check_is_served_as_bytes_not_as_a_page(draft, client, auth):
    auth.login("unit-county")
    _upload(client, draft, b"%PDF-1.4 form", "a.pdf")
    (attachment_id,) = _ids(client, draft)
    with client.application.app_context():  # a row from before issue 7: the browser's type was kept
        db.session.get(Attachment, attachment_id).content_type = "text/html"
        db.session.commit()
    download = client.get(f"/cases/{draft}/attachments/{attachment_id}")
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_the_applicant_deletes_an_attachment_after_confirming_it_arc_10_1_4(draft, client, auth):
    auth.login("unit-county")
    _upload(client, draft, b"%PDF-1.4 form", "申报审批表.pdf")
    (attachment_id,) = _ids(client, draft)
    page = _page(client.get(f"/cases/{draft}"))
    assert f'data-testid="change-attachment-{attachment_id}"' in page
    assert 'data-confirm="确定删除「申报审批表.pdf」？删除后不能恢复。"' in page
    response = client.post(f"/cases/{draft}/attachments/{attachment_id}/delete", data=_version(client, draft))
    assert response.status_code == 302
    page = _page(client.get(response.headers["Location"]))
    assert "已删除：申报审批表「申报审批表.pdf」。" in page
    assert "删除材料" in page  # the timeline names the step
    assert _ids(client, draft) == []


def test_the_applicant_replaces_an_attachment_from_the_case_page(draft, client, auth):
    auth.login("unit-county")
    _upload(client, draft, b"%PDF-1.4 old", "旧.pdf")
    (old_id,) = _ids(client, draft)
    form = _page(client.get(f"/cases/{draft}/attachments?replace={old_id}"))
    assert "替换材料" in form and "原申报审批表「旧.pdf」将被删除" in form
    response = _upload(client, draft, b"%PDF-1.4 new", "新.pdf", kind="other", replace=str(old_id))
    assert response.status_code == 302
    (new_id,) = _ids(client, draft)
    assert new_id != old_id
    with client.application.app_context():
        new = db.session.get(Attachment, new_id)
        assert (new.kind, new.original_filename) == ("application_form", "新.pdf")  # the kind stays


def test_after_the_acceptance_request_the_page_offers_no_delete_and_a_forged_post_is_refused(
    demo, client, auth
):
    with demo.app_context():
        case_id = walk("unit-county", to="acceptance_requested")
    auth.login("unit-county")
    ids = _ids(client, case_id)
    page = _page(client.get(f"/cases/{case_id}"))
    assert "change-attachment-" not in page
    response = client.post(f"/cases/{case_id}/attachments/{ids[0]}/delete", data=_version(client, case_id))
    assert response.status_code == 409
    assert "依据第十条：向具有考评权限的档案局提出验收申请报告 · ARC-10.1.4" in _page(response)
    assert client.get(f"/cases/{case_id}/attachments?replace={ids[0]}").status_code == 302
    assert _ids(client, case_id) == ids


def test_the_unit_deletes_its_draft_from_the_case_page_and_the_unit_page(demo, client, auth):
    with demo.app_context():
        first = walk("unit-county", to="draft")
    auth.login("unit-county")
    _upload(client, first, b"%PDF-1.4 form", "申报审批表.pdf")
    page = _page(client.get(f"/cases/{first}"))
    assert 'data-testid="delete-case"' in page and "确定删除这份尚未提交的申报草稿" in page
    dashboard = _page(client.get("/unit/"))
    assert f'data-testid="delete-draft-{first}"' in dashboard
    response = client.post(f"/cases/{first}/delete", data=_version(client, first))
    assert response.status_code == 302 and response.headers["Location"].endswith("/unit/")
    assert "已删除申报草稿（省二级考评" in _page(client.get("/unit/"))
    assert client.get(f"/cases/{first}").status_code == 404
    assert f'data-case-id="{first}"' not in _page(client.get("/unit/"))
    with client.application.app_context():
        assert db.session.get(Case, first).deleted_at is not None


def test_a_case_applied_for_shows_no_delete_and_refuses_a_forged_one_arc_10_1_1(demo, client, auth):
    with demo.app_context():
        case_id = walk("unit-county", to="applied")
    auth.login("unit-county")
    assert 'data-testid="delete-case"' not in _page(client.get(f"/cases/{case_id}"))
    assert f'data-testid="delete-draft-{case_id}"' not in _page(client.get("/unit/"))
    response = client.post(f"/cases/{case_id}/delete", data=_version(client, case_id))
    assert response.status_code == 409
    assert "ARC-10.1.1" in _page(response) and "可以撤回" in _page(response)


def _version(client, case_id: int) -> dict[str, str]:
    """The version the case page puts in its delete forms (the stale-form check, issue 7 point 4)."""
    with client.application.app_context():
        return {"version": str(db.session.get(Case, case_id).version_id)}


@pytest.mark.parametrize("version", [None, "", "abc", "1e3", "-1", "99999999999999999999"])
def test_a_delete_form_without_a_readable_version_is_refused_and_deletes_nothing(demo, client, auth, version):
    """Issue 7 point 4: a missing or malformed version is a 400, never "don't check"."""
    with demo.app_context():
        case_id = walk("unit-county", to="draft")
    auth.login("unit-county")
    _upload(client, case_id, b"%PDF-1.4 form", "申报审批表.pdf")
    (attachment_id,) = _ids(client, case_id)
    data = {} if version is None else {"version": version}
    response = client.post(f"/cases/{case_id}/attachments/{attachment_id}/delete", data=data)
    assert response.status_code == 400
    assert _ids(client, case_id) == [attachment_id]
    response = client.post(f"/cases/{case_id}/delete", data=data)
    assert response.status_code == 400
    with client.application.app_context():
        assert db.session.get(Case, case_id).deleted_at is None
