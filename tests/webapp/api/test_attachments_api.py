"""Attachments and drafts over the API: refused types, DELETE and PUT of an attachment while the step allows it,
DELETE of a draft case. Errors are JSON with a code, a Chinese message and the rule."""

from __future__ import annotations

from io import BytesIO

import pytest

from tests.webapp.views.case_walk import walk

PRE = {f"ARC-5.{n}": True for n in range(1, 7)}


def _draft(api) -> int:
    return (
        api("unit-county")
        .post("/api/v1/cases", json={"level": "second", "kind": "evaluation", "preconditions": PRE})
        .get_json()["id"]
    )


def _upload(caller, case_id: int, data: bytes, name: str, kind: str = "application_form"):
    return caller.post(
        f"/api/v1/cases/{case_id}/attachments",
        data={"kind": kind, "file": (BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_a_svg_with_script_or_a_disguised_file_is_refused_with_a_code_and_the_field(demo, api):
    case_id = _draft(api)
    unit = api("unit-county")
    svg = _upload(
        unit, case_id, b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "a.svg"
    )
    assert svg.status_code == 400
    assert svg.get_json() | {"message": ""} == {"error": "file_type_refused", "field": "file", "message": ""}
    assert "只能上传PDF（.pdf）" in svg.get_json()["message"]
    mismatch = _upload(unit, case_id, b"%PDF-1.4 x", "申报审批表.docx")
    assert (mismatch.status_code, mismatch.get_json()["error"]) == (400, "file_type_mismatch")
    assert unit.get(f"/api/v1/cases/{case_id}").get_json()["attachments"] == []


def test_an_attachment_is_replaced_by_put_and_deleted_by_delete_before_the_acceptance_request(
    demo, client, api
):
    case_id = _draft(api)
    unit = api("unit-county")
    old = _upload(unit, case_id, b"%PDF-1.4 old", "旧.pdf").get_json()
    detail = unit.get(f"/api/v1/cases/{case_id}").get_json()
    assert detail["abilities"]["change_attachments"] == [old["id"]] and detail["abilities"]["delete_case"]
    url = f"/api/v1/cases/{case_id}/attachments/{old['id']}"
    new = unit.put(
        url,
        data={"file": (BytesIO(b"\x89PNG\r\n\x1a\n0000"), "扫描件.png")},
        content_type="multipart/form-data",
    )
    assert new.status_code == 200
    body = new.get_json()
    assert (body["kind"], body["filename"], body["content_type"]) == (
        "application_form",
        "扫描件.png",
        "image/png",
    )
    assert [a["id"] for a in unit.get(f"/api/v1/cases/{case_id}").get_json()["attachments"]] == [body["id"]]
    gone = client.delete(f"/api/v1/cases/{case_id}/attachments/{body['id']}", headers=unit.headers)
    assert gone.status_code == 204
    history = unit.get(f"/api/v1/cases/{case_id}").get_json()["history"]
    assert [(h["event"], h["rule"]) for h in history[-2:]] == [
        ("replace_attachment", "ARC-10.1.4"),
        ("delete_attachment", "ARC-10.1.4"),
    ]
    assert client.delete(url, headers=unit.headers).status_code == 404  # already replaced


def test_after_the_acceptance_request_delete_and_put_are_409_with_the_rule_arc_10_1_4(demo, client, api):
    with demo.app_context():
        case_id = walk("unit-county", to="acceptance_requested")
    unit = api("unit-county")
    attachment_id = unit.get(f"/api/v1/cases/{case_id}").get_json()["attachments"][0]["id"]
    url = f"/api/v1/cases/{case_id}/attachments/{attachment_id}"
    refused = client.delete(url, headers=unit.headers)
    assert refused.status_code == 409
    assert (refused.get_json()["error"], refused.get_json()["rule"]) == ("attachment_locked", "ARC-10.1.4")
    put = unit.put(url, data={"file": (BytesIO(b"%PDF-1.4 x"), "a.pdf")}, content_type="multipart/form-data")
    assert (put.status_code, put.get_json()["rule"]) == (409, "ARC-10.1.4")
    staff = client.delete(url, headers=api("county-staff").headers)
    assert (staff.status_code, staff.get_json()["error"]) == (403, "forbidden")
    assert client.delete(url, headers=api("unit-city").headers).status_code == 404


def test_a_draft_is_deleted_by_delete_and_an_applied_case_is_409_arc_10_1_1(demo, client, api):
    unit = api("unit-county")
    case_id = _draft(api)
    _upload(unit, case_id, b"%PDF-1.4 x", "a.pdf")
    stale = client.delete(f"/api/v1/cases/{case_id}?expected_version=999", headers=unit.headers)
    assert (stale.status_code, stale.get_json()["error"]) == (409, "stale")
    bad = client.delete(f"/api/v1/cases/{case_id}?expected_version=abc", headers=unit.headers)
    assert (bad.status_code, bad.get_json()["field"]) == (400, "expected_version")
    # given twice, the first empty: once read as "no version", and the draft was deleted unchecked
    twice = client.delete(
        f"/api/v1/cases/{case_id}?expected_version=&expected_version=999", headers=unit.headers
    )
    assert (twice.status_code, twice.get_json()["field"]) == (400, "expected_version")
    assert client.delete(f"/api/v1/cases/{case_id}", headers=api("county-staff").headers).status_code == 404
    assert client.delete(f"/api/v1/cases/{case_id}", headers=unit.headers).status_code == 204
    assert unit.get(f"/api/v1/cases/{case_id}").status_code == 404
    assert case_id not in [c["id"] for c in unit.get("/api/v1/cases").get_json()["cases"]]
    with demo.app_context():
        applied = walk("unit-county", to="applied")
    refused = client.delete(f"/api/v1/cases/{applied}", headers=unit.headers)
    assert refused.status_code == 409
    assert (refused.get_json()["error"], refused.get_json()["rule"]) == ("not_a_draft", "ARC-10.1.1")


def test_the_openapi_document_lists_the_new_operations(demo, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"delete", "put"} <= set(paths["/cases/{case_id}/attachments/{attachment_id}"])
    assert "delete" in paths["/cases/{case_id}"]


@pytest.mark.parametrize("version", ["²", "٣", "-1", "1.0", "1234567890"])
def test_an_expected_version_that_is_not_plain_ascii_digits_is_400_not_500(demo, client, api, version):
    """'²'.isdigit() is True but int('²') fails: the query's version must be ASCII digits (found reviewing the
    query models the document is generated from)."""
    unit = api("unit-county")
    case_id = _draft(api)
    bad = client.delete(
        f"/api/v1/cases/{case_id}", query_string={"expected_version": version}, headers=unit.headers
    )
    assert (bad.status_code, bad.get_json()["field"]) == (400, "expected_version")
    assert unit.get(f"/api/v1/cases/{case_id}").status_code == 200
