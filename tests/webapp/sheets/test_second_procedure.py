"""Score sheets serve more than one procedure (issue 11): a second `SheetProcedure`, registered under its own
subject type, gets sheets through the generic routes and API, in its own words, and its sheets never mix with a
grading case's of the same id. The stand-in here plays the campaign procedure (subject type campaign_unit)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from config.rulesets import DEFAULT_RULESET
from tests.webapp.sheets import world as w
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.grading.models import Case
from webapp.scoring.models import ScoreSheet, SheetKind, SubjectRef
from webapp.scoring.permissions import SheetAccess, SheetRoles, sheet_access
from webapp.scoring.services.schemes import active_scheme_for, get_scheme
from webapp.scoring.services.scoresheets import subject as subjects
from webapp.scoring.services.scoresheets.store import find
from webapp.scoring.services.scoresheets.subject import (
    Closed,
    PanelSeat,
    SheetSubject,
    SheetWords,
    SubjectPage,
)
from workflow.scoring.scheme import Scheme

TYPE = "test_unit"
WORDS = SheetWords(
    noun="考评对象",
    names={SheetKind.SELF: "自评表", SheetKind.REVIEWER: "考评组评分表", SheetKind.AGREED: "考评结果表"},
    fillers={SheetKind.SELF: "被考评单位", SheetKind.REVIEWER: "考评组成员", SheetKind.AGREED: "考评组组长"},
)


@dataclass
class UnitSheets:
    """A second procedure: its subjects are the ids in ``ids``, filled by the same demo accounts as the case."""

    ids: set[int]
    level: str | None
    words: SheetWords = WORDS
    recorded: list[tuple[int, str, str]] = field(default_factory=list)

    def subject(self, subject_id: int) -> SheetSubject | None:
        if subject_id not in self.ids:
            return None
        reviewers = [w.user(w.LEAD), w.user("reviewer-8")]
        return SheetSubject(
            id=subject_id,
            type=TYPE,
            record=None,
            title="测试单位甲-2026年度考评",
            level=self.level,
            level_label="年度考评",
            scheme=self._scheme(),
            closed={
                kind: Closed("考评已结束。", "TEST-1") for kind in (SheetKind.SELF, "reviewer", "agreed")
            },
            not_scored_message="不打分。",
            panel=tuple(
                PanelSeat(u.id, u.display_name, u.organisation.name, n == 0) for n, u in enumerate(reviewers)
            ),
            page=SubjectPage("main.home"),
            name="测试单位甲",
            summary="2026年度考评 · 考评中",
            words=WORDS,
        )

    def _scheme(self) -> Scheme:
        ref = active_scheme_for(DEFAULT_RULESET)
        assert ref is not None
        return get_scheme(*ref)

    def access(self, user: User, subject: SheetSubject) -> SheetAccess:
        names = {w.UNIT: "applicant", w.LEAD: "lead", "reviewer-8": "member"}
        role = names.get(user.username)
        return sheet_access(
            SheetRoles(
                visible=role is not None,
                applicant=role == "applicant",
                member=role in ("lead", "member"),
                lead=role == "lead",
                declared=True,
                self_check_open=True,
                review_open=True,
            )
        )

    def pin_scheme(self, subject: SheetSubject) -> Scheme | None:
        return self._scheme()

    def scheme_users(self) -> dict[tuple[str, str], int]:
        return {}

    def record(self, subject: SheetSubject, sheet: ScoreSheet, event: str, actor: User, comment: str) -> None:
        self.recorded.append((subject.id, event, comment))


@pytest.fixture
def units(world) -> Iterator[tuple[UnitSheets, int]]:  # noqa: ANN001
    """A grading case in review (its self-check submitted) and the stand-in's subject with the SAME id."""
    with world.app_context():
        case_id = w.review_case()
        level = db.session.get(Case, case_id).level
    procedure = UnitSheets({case_id}, level)
    subjects.register_procedure(TYPE, procedure)
    try:
        yield procedure, case_id
    finally:
        subjects.unregister_procedure(TYPE)


def _token(client, username: str) -> dict[str, str]:  # noqa: ANN001
    response = client.post("/api/v1/tokens", json={"username": username, "password": "kaoping-demo"})
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def test_a_second_procedures_sheet_is_started_filled_submitted_and_read_through_the_generic_routes(
    world, client, auth, units
):  # noqa: ANN001
    procedure, unit_id = units
    auth.login(w.UNIT)
    page = client.get(f"/sheets/{TYPE}/{unit_id}/self")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "自评表" in text and "开始评分" in text
    assert f"考评对象 {unit_id}" in text and f"案件 {unit_id}" not in text  # the breadcrumb, in its words
    started = client.post(f"/sheets/{TYPE}/{unit_id}/self")
    assert started.status_code == 302
    sheet_url = started.headers["Location"]
    with world.app_context():
        sheet = find(SubjectRef(TYPE, unit_id), SheetKind.SELF)
        assert sheet is not None and (sheet.subject_type, sheet.subject_id) == (TYPE, unit_id)
        sheet_id = sheet.id
    assert sheet_url.endswith(f"/sheets/{sheet_id}")

    headers = _token(client, w.UNIT)
    put = client.put(f"/api/v1/sheets/{sheet_id}", json={"entries": w.SELF_CHECK}, headers=headers)
    assert put.status_code == 200, put.get_json()
    submitted = client.post(f"/api/v1/sheets/{sheet_id}/submit", json={}, headers=headers)
    assert submitted.status_code == 200, submitted.get_json()
    body = submitted.get_json()
    assert (body["status"], body["subject_type"], body["subject_id"]) == ("submitted", TYPE, unit_id)
    assert "case_id" not in body
    assert body["total"] == 98  # the self-check of world.SELF_CHECK: 98 on the Hubei sample
    assert procedure.recorded == [(unit_id, "sheet_submitted", "提交自评表，总分 98")]

    listed = client.get(f"/api/v1/sheets/{TYPE}/{unit_id}", headers=headers).get_json()
    assert (listed["subject_type"], listed["subject_id"]) == (TYPE, unit_id)
    assert [(s["id"], s["kind"], s["status"]) for s in listed["sheets"]] == [(sheet_id, "self", "submitted")]

    shown = client.get(f"/sheets/{sheet_id}").get_data(as_text=True)
    assert f"考评对象 {unit_id} · 测试单位甲" in shown and "2026年度考评 · 考评中" in shown
    assert "自评表" in shown and f"案件 {unit_id}" not in shown and "已提交" in shown
    assert "打印评审结论" not in shown  # grading's own tools stay on grading's sheets
    assert client.get(f"/sheets/{TYPE}/{unit_id}/blank.xlsx").status_code == 200


def test_the_api_starts_a_reviewer_sheet_on_the_second_procedure_and_the_lead_prefills_the_agreed_one(
    world, client, units
):  # noqa: ANN001
    _, unit_id = units
    member = _token(client, "reviewer-8")
    started = client.post(f"/api/v1/sheets/{TYPE}/{unit_id}", json={"kind": "reviewer"}, headers=member)
    assert started.status_code == 201, started.get_json()
    sheet_id = started.get_json()["id"]
    entries = w.REVIEWS["reviewer-8"]  # HBS-5.1 awarded 7
    assert (
        client.put(f"/api/v1/sheets/{sheet_id}", json={"entries": entries}, headers=member).status_code == 200
    )
    assert client.post(f"/api/v1/sheets/{sheet_id}/submit", json={}, headers=member).status_code == 200
    lead = _token(client, w.LEAD)
    agreed = client.post(f"/api/v1/sheets/{TYPE}/{unit_id}", json={"kind": "agreed"}, headers=lead)
    assert agreed.status_code == 201
    assert agreed.get_json()["entries"]["HBS-5.1"]["awarded"] == 7  # pre-filled from the one reviewer sheet


def test_sheets_of_two_subject_types_with_the_same_id_never_mix(world, client, auth, units):  # noqa: ANN001
    """The case's submitted self-check is not the unit's: the unit with the same id starts its own."""
    _, same_id = units
    with world.app_context():
        case_self = find(same_id, SheetKind.SELF)
        assert case_self is not None and case_self.submitted
        assert find(SubjectRef(TYPE, same_id), SheetKind.SELF) is None
        case_self_id = case_self.id
    auth.login(w.UNIT)
    page = client.get(f"/sheets/{TYPE}/{same_id}/self")
    assert page.status_code == 200 and "开始评分" in page.get_data(
        as_text=True
    )  # not a redirect to the case's
    started = client.post(f"/sheets/{TYPE}/{same_id}/self")
    assert not started.headers["Location"].endswith(f"/sheets/{case_self_id}")
    headers = _token(client, w.UNIT)
    unit_sheets = client.get(f"/api/v1/sheets/{TYPE}/{same_id}", headers=headers).get_json()["sheets"]
    case_sheets = client.get(f"/api/v1/cases/{same_id}/sheets", headers=headers).get_json()["sheets"]
    assert [s["status"] for s in unit_sheets] == ["draft"]
    assert case_self_id not in [s["id"] for s in unit_sheets]
    assert [s["id"] for s in case_sheets] == [case_self_id]
    assert {s["case_id"] for s in case_sheets} == {same_id}
    # the case's own page still shows the case's sheet under its grading address
    assert client.get(f"/cases/{same_id}/sheets/self").headers["Location"].endswith(f"/sheets/{case_self_id}")


def test_refusals_on_the_second_procedure_use_its_own_words(world, client, units):  # noqa: ANN001
    _, unit_id = units
    member = _token(client, "reviewer-8")
    refused = client.post(f"/api/v1/sheets/{TYPE}/{unit_id}", json={"kind": "self"}, headers=member)
    assert refused.status_code == 403 and refused.get_json()["message"] == "自评表由被考评单位填写。"
    stranger = _token(client, "unit-city")
    hidden = client.get(f"/api/v1/sheets/{TYPE}/{unit_id}", headers=stranger)
    assert hidden.status_code == 404 and hidden.get_json()["message"] == "考评对象不存在。"
    missing = client.get(f"/api/v1/sheets/{TYPE}/{unit_id + 1000}", headers=member)
    assert missing.status_code == 404 and missing.get_json()["message"] == "考评对象不存在。"


def test_an_unknown_subject_type_is_not_found_on_the_pages_and_the_api(world, client, auth):  # noqa: ANN001
    auth.login(w.UNIT)
    for url in ("/sheets/nothing/1/self", "/sheets/nothing/1/agreed", "/sheets/nothing/1/blank.xlsx"):
        assert client.get(url).status_code == 404, url
    assert client.post("/sheets/nothing/1/self").status_code == 404
    headers = _token(client, w.UNIT)
    assert client.get("/api/v1/sheets/nothing/1", headers=headers).status_code == 404
    answer = client.post("/api/v1/sheets/nothing/1", json={"kind": "self"}, headers=headers)
    assert answer.status_code == 404 and answer.get_json()["error"]
