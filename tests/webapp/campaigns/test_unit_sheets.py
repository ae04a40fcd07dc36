"""A campaign unit's score sheets (subject type campaign_unit): the unit fills its 自评表 while self-assessing
(STA-4.2), late ones still accepted while the team assesses and marked late; each team member fills their own
考评评分表 and the lead the 合议评分表 (STA-4.3) while assessing; read-only after; deny by default."""

# ruff: noqa: F811  (the fixtures imported from unit_world are, as pytest wants, the tests' parameters)

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.webapp.campaigns.unit_world import CWorld, cworld, login, set_state  # noqa: F401  (cworld: the fixture)
from webapp.campaigns.models import Campaign, CampaignUnit
from webapp.campaigns.services import sheet_subject
from webapp.core.extensions import db
from webapp.core.models import AuditEvent, User
from webapp.core.services.errors import NotFound, ServiceError
from webapp.scoring.models import ScoreSheet, SheetKind, SubjectRef
from webapp.scoring.services.scoresheets import operations
from webapp.scoring.services.scoresheets.operations import JsonInput

#: LRN's four areas (LRN-3.1–3.4), full marks: no deduction, no reason needed
FULL = {item: {"deduction": "0"} for item in ("LRN-3.1", "LRN-3.2", "LRN-3.3", "LRN-3.4")}
#: the unit deducts 3 in LRN-3.4 with a reason
SELF = {**FULL, "LRN-3.4": {"deduction": "3", "reason": "调研报告偏少"}}


@pytest.fixture
def lrn(app: Flask, cworld: CWorld) -> CWorld:
    """The campaign scores with LRN's table (four areas, LRN-3.1–3.4)."""
    with app.app_context():
        campaign = db.session.get(Campaign, cworld.campaign_id)
        assert campaign is not None
        campaign.scheme_id, campaign.scheme_version = "lrn", "1"
        db.session.commit()
    return cworld


def _user(name: str) -> User:
    return db.session.scalars(sa.select(User).where(User.username == name)).one()


def _ref(cu_id: int) -> SubjectRef:
    return SubjectRef("campaign_unit", cu_id)


def fill(username: str, cu_id: int, kind: str, entries: dict, *, submit: bool = True) -> ScoreSheet:  # type: ignore[type-arg]
    sheet = operations.open_sheet(_user(username), _ref(cu_id), kind)
    assert sheet is not None, f"{username} may not fill {kind}"
    operations.save_sheet(_user(username), sheet.id, JsonInput(entries), submit=submit)
    return sheet


def _trail(campaign_id: int) -> list[tuple[str, str]]:
    return [
        (row.event, row.comment)
        for row in db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.subject_type == "campaign", AuditEvent.subject_id == campaign_id)
            .order_by(AuditEvent.seq)
        )
    ]


def test_the_unit_submits_its_self_assessment_on_time_with_the_campaigns_scheme_sta_4_2(
    app: Flask, lrn: CWorld
) -> None:
    with app.app_context():
        sheet = fill("c-unit-a", lrn.cu_a, SheetKind.SELF, SELF)
        assert (sheet.subject_type, sheet.subject_id, sheet.kind) == ("campaign_unit", lrn.cu_a, "self")
        assert (sheet.scheme_id, sheet.scheme_version) == ("lrn", "1")  # the campaign's, pinned
        assert sheet.submitted and sheet.total == 97
        [(event, comment)] = _trail(lrn.campaign_id)
        assert event == "sheet_submitted" and "甲县统计局的自评表" in comment and "逾期" not in comment
        assert not sheet_subject.is_late(db.session.get(Campaign, lrn.campaign_id), sheet.submitted_at)


def test_a_late_self_assessment_is_accepted_while_assessing_and_marked_late(app: Flask, lrn: CWorld) -> None:
    with app.app_context():
        campaign = db.session.get(Campaign, lrn.campaign_id)
        assert campaign is not None
        campaign.state, campaign.self_due = "assessment", date(2027, 1, 2)  # today is 2027-01-05
        db.session.commit()
        sheet = fill("c-unit-a", lrn.cu_a, SheetKind.SELF, SELF)
        assert sheet.submitted and sheet_subject.is_late(campaign, sheet.submitted_at)
        (event, comment) = _trail(lrn.campaign_id)[-1]
        assert event == "sheet_submitted" and "逾期提交，自评截止日为2027年1月2日" in comment


def test_another_unit_an_outsider_and_an_assessor_of_another_campaign_see_no_sheet(
    app: Flask, lrn: CWorld
) -> None:
    with app.app_context():
        for name in ("c-unit-b", "c-outsider", "c-stranger"):
            with pytest.raises(NotFound):
                operations.open_sheet(_user(name), _ref(lrn.cu_a), SheetKind.SELF)
            with pytest.raises(NotFound):
                operations.open_sheet(_user(name), _ref(lrn.cu_a), SheetKind.REVIEWER)
        assert db.session.scalar(sa.select(sa.func.count(ScoreSheet.id))) == 0


def test_the_team_scores_while_assessing_members_their_own_sheet_the_lead_the_agreed_sta_4_3(
    app: Flask, lrn: CWorld
) -> None:
    set_state(app, lrn.campaign_id, "assessment")
    with app.app_context():
        fill("c-member", lrn.cu_a, SheetKind.REVIEWER, FULL)
        fill("c-member2", lrn.cu_a, SheetKind.REVIEWER, SELF)
        with pytest.raises(ServiceError) as not_lead:
            operations.start_sheet(_user("c-member"), _ref(lrn.cu_a), SheetKind.AGREED)
        assert not_lead.value.status == 403 and "合议评分表由考评组组长填写" in not_lead.value.message
        with pytest.raises(ServiceError) as not_unit:
            operations.start_sheet(_user("c-member"), _ref(lrn.cu_a), SheetKind.SELF)
        assert not_unit.value.status == 403
        agreed = fill("c-lead", lrn.cu_a, SheetKind.AGREED, SELF)
        assert agreed.submitted and agreed.total == 97
        with pytest.raises(ServiceError) as unit_scores:
            operations.start_sheet(_user("c-unit-a"), _ref(lrn.cu_a), SheetKind.REVIEWER)
        assert unit_scores.value.status == 403


def test_after_assessment_every_sheet_is_read_only_quoting_the_rule(app: Flask, lrn: CWorld) -> None:
    set_state(app, lrn.campaign_id, "moderation")
    with app.app_context():
        for name, kind, rule in (("c-unit-a", SheetKind.SELF, "STA-4.2"), ("c-member", SheetKind.REVIEWER,
                                 "STA-4.3"), ("c-lead", SheetKind.AGREED, "STA-4.3")):  # fmt: skip
            with pytest.raises(ServiceError) as closed:
                operations.start_sheet(_user(name), _ref(lrn.cu_a), kind)
            assert closed.value.status == 409 and rule in closed.value.message, name
        assert db.session.scalar(sa.select(sa.func.count(ScoreSheet.id))) == 0


def test_the_office_reads_every_sheet_but_fills_none(app: Flask, lrn: CWorld) -> None:
    with app.app_context():
        fill("c-unit-a", lrn.cu_a, SheetKind.SELF, SELF)
        staff = _user("c-staff")
        assert operations.find_sheet(staff, _ref(lrn.cu_a), SheetKind.SELF).sheet is not None
        with pytest.raises(ServiceError) as refused:
            operations.start_sheet(staff, _ref(lrn.cu_a), SheetKind.REVIEWER)
        assert refused.value.status == 403


def test_the_unit_reads_its_agreed_sheet_only_once_approved(app: Flask, lrn: CWorld) -> None:
    set_state(app, lrn.campaign_id, "assessment")
    with app.app_context():
        fill("c-lead", lrn.cu_a, SheetKind.AGREED, FULL)
        with pytest.raises(ServiceError):
            operations.find_sheet(_user("c-unit-a"), _ref(lrn.cu_a), SheetKind.AGREED)
    set_state(app, lrn.campaign_id, "approved")
    with app.app_context():
        assert operations.find_sheet(_user("c-unit-a"), _ref(lrn.cu_a), SheetKind.AGREED).sheet is not None


def test_the_sheet_pages_work_for_a_campaign_unit(app: Flask, client, lrn: CWorld) -> None:  # type: ignore[no-untyped-def]
    login(client, "c-unit-a")
    started = client.post(f"/sheets/campaign_unit/{lrn.cu_a}/self")
    assert started.status_code in (200, 302, 303)
    page = client.get(f"/sheets/campaign_unit/{lrn.cu_a}/self", follow_redirects=True)
    assert page.status_code == 200 and "自评表" in page.get_data(as_text=True)
    assert client.get(f"/sheets/campaign_unit/{lrn.cu_b}/self").status_code == 404
    unit = client.get(f"/campaigns/unit/{lrn.cu_a}").get_data(as_text=True)
    assert 'data-testid="self-sheet"' in unit and f"/sheets/campaign_unit/{lrn.cu_a}/self" in unit
    with app.app_context():
        assert db.session.get(CampaignUnit, lrn.cu_a) is not None


def test_the_team_and_the_office_open_the_sheet_pages_in_the_campaigns_words(
    app: Flask, client, lrn: CWorld
) -> None:  # type: ignore[no-untyped-def]
    set_state(app, lrn.campaign_id, "assessment")
    login(client, "c-lead")
    agreed = client.get(f"/sheets/campaign_unit/{lrn.cu_a}/agreed", follow_redirects=True)
    assert agreed.status_code == 200 and "合议评分表" in agreed.get_data(as_text=True)
    started = client.post(f"/sheets/campaign_unit/{lrn.cu_a}/agreed", follow_redirects=True)
    text = started.get_data(as_text=True)
    assert started.status_code == 200 and 'data-testid="sheet-opinion"' in text
    # the team's words, not grading's, and the unit by its name, not a number
    assert "考评意见" in text and "评审专家" not in text and "评审意见" not in text
    assert f"被考评单位 {lrn.cu_a}" not in text
    review = client.get(f"/sheets/campaign_unit/{lrn.cu_a}/review", follow_redirects=True)
    assert review.status_code == 200 and "考评评分表" in review.get_data(as_text=True)
    # the team reads the 自评表
    assert client.get(f"/sheets/campaign_unit/{lrn.cu_a}/self").status_code == 200
    client.post("/auth/logout")
    login(client, "c-stranger")
    assert client.get(f"/sheets/campaign_unit/{lrn.cu_a}/agreed").status_code == 404
    client.post("/auth/logout")
    login(client, "c-staff")
    assert client.get(f"/sheets/campaign_unit/{lrn.cu_a}/agreed", follow_redirects=True).status_code == 200


def test_the_leads_agreed_sheet_shows_on_the_offices_page_at_once_sta_4_3(
    app: Flask, client, lrn: CWorld
) -> None:  # type: ignore[no-untyped-def]
    """The office's pages share the campaign's standing, read once per change: the lead's agreed sheet, saved
    through the sheet code, raises the campaign's revision (not its version), and the next view shows it."""
    set_state(app, lrn.campaign_id, "assessment")
    login(client, "c-staff")
    url = f"/campaigns/{lrn.campaign_id}"
    before = client.get(url).get_data(as_text=True)
    assert "合议评分表已提交 0。" in before
    with app.app_context():
        campaign = db.session.get(Campaign, lrn.campaign_id)
        assert campaign is not None
        revision, version = campaign.standing_revision, campaign.version_id
        fill("c-lead", lrn.cu_a, SheetKind.AGREED, SELF)
        db.session.expire_all()
        campaign = db.session.get(Campaign, lrn.campaign_id)
        assert campaign is not None
        assert campaign.standing_revision > revision and campaign.version_id == version
    after = client.get(url).get_data(as_text=True)
    assert "合议评分表已提交 1。" in after and '<td class="text-end">97.00</td>' in after
