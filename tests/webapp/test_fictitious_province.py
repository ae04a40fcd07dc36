"""A second province end to end over HTTP: the fictitious 云海省 ruleset (tests/workflow/rulesets/yunhai-2030.toml)
is registered and selected with `kaoping ruleset use`, and a case walks from application to approval and
certificate through the API and the pages. Its notice days, pass line, validity, number prefixes and the words
on pages and documents must be 云海省's, never the shipped province's; the case keeps its ruleset when the
selection changes back."""

from __future__ import annotations

import base64
import re
import zlib
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.webapp.api.conftest import bearer_callers
from tests.webapp.documents.conftest import read_pdf
from webapp.core.extensions import db
from webapp.core.models import Organisation

YUNHAI = Path(__file__).resolve().parents[1] / "workflow" / "rulesets" / "yunhai-2030.toml"
PRE = {f"ARC-5.{n}": True for n in range(1, 7)}
#: words of the shipped province that must not appear on the fictitious province's pages and documents
SHIPPED_WORDS = ("省二级", "湖北", "鄂档", "公示时间不少于7天")

HEAD = re.compile(rb"/Filter \[ ([^\]]*)\] /Length (\d+)([^\n]*)\n>>\s*stream\r?\n")


def inflate(raw: bytes) -> bytes:
    """The PDF with its compressed streams written out plainly, for `read_pdf` (pages serve compressed PDFs)."""
    out, position = bytearray(), 0
    for match in HEAD.finditer(raw):
        if match.start() < position:
            continue
        start = match.end()
        body = raw[start : start + int(match.group(2))]
        for name in match.group(1).split():
            if name == b"/ASCII85Decode":
                body = base64.a85decode(body.strip().removesuffix(b"~>"))
            elif name == b"/FlateDecode":
                body = zlib.decompress(body)
        out += raw[position : match.start()] + b"/Length %d" % len(body) + match.group(3) + b"\n>>\nstream\n"
        out += body
        position = start + int(match.group(2))
    return bytes(out + raw[position:])


def use(demo, id_or_file: str) -> str:
    result = demo.test_cli_runner().invoke(args=["ruleset", "use", id_or_file])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def yunhai(demo):
    """The demo with 云海省's ruleset registered and selected for new cases, its top bureau renamed as a
    deployment in 云海省 would name it (organisation names are the deployment's data, not the ruleset's)."""
    assert "云海省" in use(demo, str(YUNHAI))
    with demo.app_context():
        db.session.scalar(sa.select(Organisation).where(Organisation.code == "hb")).name = "云海省档案馆"
        db.session.commit()
    return demo


def test_kaoping_ruleset_lists_the_registered_province_and_marks_the_selected_one(yunhai):
    listed = yunhai.test_cli_runner().invoke(args=["ruleset", "list"]).output
    lines = {line[2:].split("\t")[0]: line for line in listed.splitlines()}
    assert lines["yunhai-2030"].startswith("* ") and "云海省" in lines["yunhai-2030"]
    assert "2030-07-01" in lines["yunhai-2030"]
    assert lines["hubei-2011"].startswith("  ")
    use(yunhai, "hubei-2011")
    listed = yunhai.test_cli_runner().invoke(args=["ruleset", "list"]).output
    assert any(line.startswith("* hubei-2011") for line in listed.splitlines())


def test_a_broken_or_unknown_ruleset_is_refused_and_the_selection_stays(yunhai, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(YUNHAI.read_text(encoding="utf-8").replace("notice_days = 10", "notice_days = 0"))
    runner = yunhai.test_cli_runner()
    result = runner.invoke(args=["ruleset", "use", str(broken)])
    assert result.exit_code != 0 and "calendar.notice_days" in result.output
    assert runner.invoke(args=["ruleset", "use", "atlantis-1999"]).exit_code != 0
    listed = runner.invoke(args=["ruleset", "list"]).output
    assert any(line.startswith("* yunhai-2030") for line in listed.splitlines())


def test_a_case_of_the_fictitious_province_walks_to_its_certificate_on_its_own_rules(yunhai, client, auth):
    """ARC-10.3.2 (notice length), ARC-7.2 (pass line), ARC-10.5.5 (certificate), ARC-10.5.6 (validity), in
    云海省's numbers: 10-day notice not counting the publication day, pass line 75, five years' validity."""
    api = bearer_callers(client)
    unit, staff, head = api("unit-county"), api("county-staff"), api("county-head")
    case = unit.post("/api/v1/cases", json={"level": "second", "kind": "evaluation", "preconditions": PRE})
    assert case.status_code == 201, case.get_json()
    case_id = case.get_json()["id"]
    assert case.get_json()["ruleset"] == "yunhai-2030"
    assert case.get_json()["level_label"] == "云海丙级"
    for kind in ("application_form", "self_check_sheet", "acceptance_report", "integrity_notice"):
        response = unit.post(
            f"/api/v1/cases/{case_id}/attachments",
            data={"kind": kind, "file": (BytesIO(b"%PDF-1.4 " + kind.encode()), f"{kind}.pdf")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 201

    def step(caller, event, expect, **body):
        response = caller.fire(case_id, event, **body)
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["state"] == expect
        return response.get_json()

    step(unit, "apply", "applied")
    # the deployment goes back to the shipped ruleset: this case keeps 云海省's to the end
    use(yunhai, "hubei-2011")
    step(staff, "plan", "planned")
    step(unit, "request_acceptance", "acceptance_requested")
    step(staff, "start_precheck", "prechecking")
    # the bureau's batch page counts this case's notice by its own ruleset, not the one selected now
    auth.login("county-staff")
    batch = client.get(f"/bureau/batch/publish?case_ids={case_id}").get_data(as_text=True)
    assert re.search(r'data-testid="notice-end">2027-01-15<', batch) and "不含发布当日" in batch
    assert "公示时间不少于10天" in batch
    body = step(staff, "pass_precheck", "in_notice", opinion="材料齐全，同意公示。")
    assert body["notice"]["last_day"] == "2027-01-15"  # 10 days after the publication day
    assert body["notice"]["may_close_on"] == "2027-01-16"
    panel = staff.put(f"/api/v1/cases/{case_id}/panel", json={"reviewers": ["reviewer-7", "reviewer-8"]})
    assert panel.status_code == 200, panel.get_json()  # 云海省's panel is 2–4 (Hubei: 3–5)

    yunhai.config["KAOPING_TODAY"] = "2027-01-15"  # Hubei's 7 days are long over; 云海省's 10 are not
    refused = staff.fire(case_id, "close_notice").get_json()
    assert refused["error"] == "notice_period_not_elapsed"
    assert "公示时间不少于10天" in refused["message"]
    yunhai.config["KAOPING_TODAY"] = "2027-01-16"
    step(staff, "close_notice", "in_review")
    # 78 reaches 云海丙级's line of 75 and goes to approval; under Hubei's 80 the review would have failed
    step(api("reviewer-7"), "conclude_review", "awaiting_approval", total_score=78)
    yunhai.config["KAOPING_TODAY"] = "2027-01-18"
    body = step(head, "approve", "approved")
    assert body["certificate_no"] == "云档等字2027第0001号"
    assert body["letter_no"] == "夷档确字〔2027〕1号"
    grade = unit.get(f"/api/v1/organs/{body['organ']['id']}/grade").get_json()
    assert (grade["level"], grade["valid_from"], grade["valid_to"]) == ("second", "2027-01-18", "2032-01-17")

    auth.login("unit-county")
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "云海丙级" in page and "评定" in page
    assert not [word for word in SHIPPED_WORDS if word in page]

    letter = read_pdf(inflate(client.get(f"/cases/{case_id}/letter.pdf").data)).text
    assert "《云海省机关档案工作等级评定办法》（云档发〔2030〕3号）" in letter
    assert "确认达到云海省机关档案工作云海丙级标准" in letter
    assert "有效期五年" in letter and "等级评定证书由云海省档案馆统一制作、颁发" in letter
    assert "夷档确字〔2027〕1号" in letter
    certificate = read_pdf(inflate(client.get(f"/cases/{case_id}/certificate.pdf").data)).text
    assert "机关档案工作等级评定证书" in certificate
    assert "经评定，你单位档案工作达到云海省机关档案工作云海丙级" in certificate
    assert "云档等字2027第0001号" in certificate
    for text in (letter, certificate):
        assert not [word for word in SHIPPED_WORDS if word in text]

    # a case opened now gets the shipped ruleset, selected again above
    other = api("unit-city").post(
        "/api/v1/cases", json={"level": "second", "kind": "evaluation", "preconditions": PRE}
    )
    assert other.get_json()["ruleset"] == "hubei-2011" and other.get_json()["level_label"] == "省二级"


def test_the_admin_page_shows_the_rulesets_and_selects_one_for_new_cases(yunhai, client, auth):
    auth.login("admin")
    page = client.get("/admin/rulesets").get_data(as_text=True)
    assert "云海省机关档案工作等级评定办法" in page and "湖北省机关档案工作目标管理等级考评办法" in page
    selected = re.search(r"<tr class=\"table-primary\">(.*?)</tr>", page, re.S)
    assert selected and "云海省" in selected.group(1)
    assert "yunhai-2030" not in re.sub(r'title="[^"]*"|value="[^"]*"', "", page)  # ids only in tooltips
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    data = {"ruleset": "hubei-2011", **({"csrf_token": token.group(1)} if token else {})}
    assert client.post("/admin/rulesets", data=data).status_code == 302
    listed = yunhai.test_cli_runner().invoke(args=["ruleset", "list"]).output
    assert any(line.startswith("* hubei-2011") for line in listed.splitlines())
    assert client.post("/admin/rulesets", data={**data, "ruleset": "atlantis"}).status_code == 400


def test_only_the_system_administrator_opens_the_rulesets_page(yunhai, client, auth):
    auth.login("county-staff")
    assert client.get("/admin/rulesets").status_code == 403
