"""Declared performance and faults and the office's verification (ORG-PR.1 申报认定, ORG-PR.2 未上报过错,
ORG-6.4 创新项目加分)."""

# ruff: noqa: F811  (the fixtures imported from unit_world are, as pytest wants, the tests' parameters)

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.webapp.campaigns.unit_world import CWorld, cworld, login, set_state  # noqa: F401  (cworld: the fixture)
from webapp.campaigns.models import CampaignClaim, CampaignUnit
from webapp.campaigns.services import claims
from webapp.core.extensions import db
from webapp.core.models import AuditEvent
from webapp.core.services.errors import NotFound, ServiceError


def _u(user):  # type: ignore[no-untyped-def]
    return db.session.merge(user)


def test_a_major_innovation_project_is_declared_at_the_fixed_plus_20_org_6_4(
    app: Flask, cworld: CWorld
) -> None:
    with app.app_context():
        claim = claims.declare(_u(cworld.filler_a), cworld.cu_a, kind="performance", category="major_innovation",
                               content="村级统计规范化创新", points="999", evidence="区委组织部红头文件")  # fmt: skip
        assert (claim.points, claim.status, claim.declared) == (Decimal(20), "pending", True)


def test_the_office_verifies_or_rejects_each_claim_with_a_note_org_pr_1(app: Flask, cworld: CWorld) -> None:
    with app.app_context():
        a = claims.declare(_u(cworld.filler_a), cworld.cu_a, kind="performance", category="innovation",
                           content="统计数据质量创新")  # fmt: skip
        b = claims.declare(_u(cworld.filler_a), cworld.cu_a, kind="fault", category="general", content="迟报月报",
                           points="2")  # fmt: skip
        with pytest.raises(ServiceError) as no_note:
            claims.decide(_u(cworld.staff), a.id, decision="verified", note="")
        assert no_note.value.field == "note"
        claims.decide(_u(cworld.staff), a.id, decision="verified", note="经核实，有评选结果文件")
        claims.decide(_u(cworld.staff), b.id, decision="rejected", note="经核实，已按时补报")
        assert [
            c.status for c in db.session.scalars(sa.select(CampaignClaim).order_by(CampaignClaim.id))
        ] == [
            "verified",
            "rejected",
        ]
        with pytest.raises(ServiceError) as again:
            claims.decide(_u(cworld.staff), a.id, decision="rejected", note="改变主意")
        assert again.value.code == "claim_decided"
        events = db.session.scalars(
            sa.select(AuditEvent.event).where(AuditEvent.subject_type == "campaign").order_by(AuditEvent.seq)
        ).all()
        assert events == ["claim_declared", "claim_declared", "claim_verified", "claim_rejected"]


def test_an_undeclared_fault_found_by_the_office_is_recorded_verified_and_not_declared_org_pr_2(
    app: Flask, cworld: CWorld
) -> None:
    with app.app_context():
        claim = claims.record_found_fault(_u(cworld.staff), cworld.cu_b, category="general", content="统计数据造假",
                                          points="5", note="经查实，未上报")  # fmt: skip
        assert (claim.declared, claim.status, claim.points) == (False, "verified", Decimal(5))
        comment = db.session.scalar(sa.select(AuditEvent.comment).where(AuditEvent.event == "fault_found"))
        assert "加倍扣分或进行一票否决" in comment and "ORG-PR.2" in comment


def test_only_the_office_staff_decides_and_records_found_faults(app: Flask, cworld: CWorld) -> None:
    with app.app_context():
        claim = claims.declare(_u(cworld.filler_a), cworld.cu_a, kind="performance", category="innovation",
                               content="创新项目")  # fmt: skip
        with pytest.raises(ServiceError) as own:
            claims.decide(_u(cworld.filler_a), claim.id, decision="verified", note="自己认定")
        assert own.value.status == 404
        with pytest.raises(ServiceError) as member:
            claims.decide(_u(cworld.member), claim.id, decision="verified", note="组员认定")
        assert member.value.status == 403
        with pytest.raises(NotFound):
            claims.decide(_u(cworld.stranger_assessor), claim.id, decision="verified", note="别的考评")
        with pytest.raises(ServiceError) as unit:
            claims.record_found_fault(_u(cworld.filler_b), cworld.cu_b, category="general", content="x",
                                      points="1", note="自报")  # fmt: skip
        assert unit.value.status == 403
        assert db.session.scalar(sa.select(CampaignClaim.status)) == "pending"


def test_claims_are_closed_after_assessment_quoting_org_pr_1(app: Flask, cworld: CWorld) -> None:
    set_state(app, cworld.campaign_id, "moderation")
    with app.app_context():
        with pytest.raises(ServiceError) as refused:
            claims.declare(_u(cworld.filler_a), cworld.cu_a, kind="performance", category="innovation",
                           content="创新项目")  # fmt: skip
        assert refused.value.status == 409 and "ORG-PR.1" in refused.value.message
        assert db.session.scalar(sa.select(sa.func.count(CampaignClaim.id))) == 0


def test_a_unit_withdraws_a_pending_claim_but_not_a_decided_one(app: Flask, cworld: CWorld) -> None:
    with app.app_context():
        a = claims.declare(
            _u(cworld.filler_a), cworld.cu_a, kind="fault", category="veto", content="重大违纪"
        )
        b = claims.declare(_u(cworld.filler_a), cworld.cu_a, kind="fault", category="general", content="迟报",
                           points="1.5")  # fmt: skip
        claims.decide(_u(cworld.staff), b.id, decision="verified", note="属实")
        claims.withdraw(_u(cworld.filler_a), cworld.cu_a, a.id)
        with pytest.raises(ServiceError):
            claims.withdraw(_u(cworld.filler_a), cworld.cu_a, b.id)
        assert db.session.scalars(sa.select(CampaignClaim.id)).all() == [b.id]


@pytest.mark.parametrize(
    ("kind", "category", "content", "points", "field"),
    [
        ("bonus", "innovation", "x", "", "kind"),
        ("performance", "general", "x", "1", "category"),
        ("performance", "nope", "x", "1", "category"),
        ("performance", "other", "", "1", "content"),
        ("performance", "other", "x" * 301, "1", "content"),
        ("performance", "other", "x", "", "points"),
        ("performance", "other", "x", "51", "points"),
        ("performance", "other", "x", "-3", "points"),
        ("performance", "other", "x", "NaN", "points"),
        ("performance", "other", "x", "Infinity", "points"),
        ("performance", "other", "x", "1e999999", "points"),
        ("performance", "other", "x", "1.234", "points"),
        ("fault", "general", "x", "0", "points"),
        ("fault", "general", "x", "101", "points"),
        ("fault", "general", "x", "一百", "points"),
    ],
)
def test_hostile_claim_input_is_refused_with_nothing_written(  # type: ignore[no-untyped-def]
    app: Flask, cworld: CWorld, kind, category, content, points, field
) -> None:
    with app.app_context():
        with pytest.raises(ServiceError) as refused:
            claims.declare(_u(cworld.filler_a), cworld.cu_a, kind=kind, category=category, content=content,
                           points=points)  # fmt: skip
        assert (refused.value.status, refused.value.field) == (400, field)
        assert db.session.scalar(sa.select(sa.func.count(CampaignClaim.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0


def test_claims_over_http_keep_what_was_typed_and_the_office_page_decides(
    app: Flask, client, cworld: CWorld
) -> None:  # type: ignore[no-untyped-def]
    login(client, "c-unit-a")
    bad = client.post(f"/campaigns/unit/{cworld.cu_a}/claims",
                      data={"kind": "performance", "category": "other", "content": "市级表彰", "points": "abc"})  # fmt: skip
    assert bad.status_code == 400 and "市级表彰" in bad.get_data(as_text=True)
    ok = client.post(f"/campaigns/unit/{cworld.cu_a}/claims",
                     data={"kind": "performance", "category": "other", "content": "市级表彰", "points": "5"})  # fmt: skip
    assert ok.status_code == 302
    assert client.get(f"/campaigns/{cworld.campaign_id}/claims").status_code == 404
    client.post("/auth/logout")
    login(client, "c-staff")
    page = client.get(f"/campaigns/{cworld.campaign_id}/claims")
    assert page.status_code == 200 and "市级表彰" in page.get_data(as_text=True)
    with app.app_context():
        claim_id = db.session.scalar(sa.select(CampaignClaim.id))
    assert client.get(f"/campaigns/{cworld.campaign_id}/claims?status=bogus").status_code == 400
    assert client.get(f"/campaigns/{cworld.campaign_id}/claims?page=abc").status_code == 400
    short = client.post(f"/campaigns/{cworld.campaign_id}/claims/{claim_id}/decide",
                        data={"decision": "verified", "note": ""})  # fmt: skip
    assert short.status_code == 400
    done = client.post(f"/campaigns/{cworld.campaign_id}/claims/{claim_id}/decide",
                       data={"decision": "verified", "note": "经核实，属实"})  # fmt: skip
    assert done.status_code == 302
    found = client.post(f"/campaigns/{cworld.campaign_id}/claims/found",
                        data={"cu_id": "999999999999999999999", "category": "general", "content": "x",
                              "points": "1", "note": "查实"})  # fmt: skip
    assert found.status_code == 400
    wrong = client.post(f"/campaigns/{cworld.other_campaign_id}/claims/{claim_id}/decide",
                        data={"decision": "verified", "note": "别的活动"})  # fmt: skip
    assert wrong.status_code == 404
    client.post("/auth/logout")
    login(client, "c-head")
    assert client.get(f"/campaigns/{cworld.campaign_id}/claims").status_code == 200


def test_an_undeclared_fault_found_by_the_office_counts_double_and_only_verified_claims_count_org_pr_2(
    app: Flask, cworld: CWorld
) -> None:
    """ORG-PR.2 / GAP-9 through the domain: the declared general fault costs its points, the one the office
    found costs double, the rejected one nothing; ORG-6.3: the same content counts once, at its highest."""
    with app.app_context():
        unit, staff = _u(cworld.filler_a), _u(cworld.staff)
        declared = claims.declare(unit, cworld.cu_a, kind="fault", category="general", content="迟报月报",
                                  points="2")  # fmt: skip
        rejected = claims.declare(unit, cworld.cu_a, kind="fault", category="general", content="漏报季报",
                                  points="3")  # fmt: skip
        claims.decide(staff, declared.id, decision="verified", note="属实")
        claims.decide(staff, rejected.id, decision="rejected", note="不属实")
        claims.record_found_fault(staff, cworld.cu_a, category="general", content="统计台账缺失", points="5",
                                  note="检查中查实")  # fmt: skip
        major = claims.declare(unit, cworld.cu_a, kind="performance", category="major_innovation",
                               content="统计规范化项目", content_key="规范化")  # fmt: skip
        same = claims.declare(unit, cworld.cu_a, kind="performance", category="innovation",
                              content="统计规范化项目（区级）", content_key="规范化")  # fmt: skip
        pending = claims.declare(
            unit, cworld.cu_a, kind="performance", category="innovation", content="未认定"
        )
        for c in (major, same):
            claims.decide(staff, c.id, decision="verified", note="有文件")
        result = claims.counted(claims.claims_of_unit(db.session.get(CampaignUnit, cworld.cu_a)))
        assert result.faults.deduction == Decimal(12)  # 2 + 2 × 5; the rejected 3 not counted
        assert [line.doubled for line in result.faults.lines] == [False, True]
        assert "ORG-PR.2" in result.faults.rules and not result.faults.vetoed
        assert result.bonus.total == Decimal(20)  # one content, its highest item; the pending one not counted
        assert pending.status == "pending"


def test_a_found_veto_class_fault_vetoes_org_pr_2(app: Flask, cworld: CWorld) -> None:
    with app.app_context():
        claims.record_found_fault(_u(cworld.staff), cworld.cu_b, category="veto", content="发生重大违纪",
                                  note="纪检通报查实")  # fmt: skip
        result = claims.counted(claims.claims_of_unit(db.session.get(CampaignUnit, cworld.cu_b)))
        assert result.faults.vetoed and result.faults.deduction == 0
