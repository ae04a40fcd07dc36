"""A unit's supporting materials (STA-4.2): uploaded with a date and a binding order; only materials dated
within the period count (STA GAP-8); only the unit's own 填报人 changes them, and only while it may edit."""

# ruff: noqa: F811  (the fixtures imported from unit_world are, as pytest wants, the tests' parameters)

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.datastructures import FileStorage

from tests.webapp.campaigns.unit_world import CWorld, cworld, login, set_state  # noqa: F401  (cworld: the fixture)
from webapp.campaigns.models import CampaignEvidence
from webapp.campaigns.services import evidence
from webapp.core.extensions import db
from webapp.core.models import AuditEvent
from webapp.core.services.errors import NotFound, ServiceError

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _file(name: str = "总结.pdf", data: bytes = PDF) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def _user(app: Flask, user):  # type: ignore[no-untyped-def]
    return db.session.merge(user)


def test_a_material_dated_outside_the_period_is_kept_but_marked_not_counted_sta_4_2_gap_8(
    app: Flask, cworld: CWorld
) -> None:
    with app.app_context():
        user = _user(app, cworld.filler_a)
        inside = evidence.add(user, cworld.cu_a, _file(), title="年度工作总结", dated="2026-12-20")
        outside = evidence.add(user, cworld.cu_a, _file("旧.pdf"), title="上年度总结", dated="2025-12-31")
        campaign = inside.unit.campaign
        rows = evidence.rows_of(campaign, inside.unit)
        assert [(r.evidence.title, r.counts) for r in rows] == [("年度工作总结", True), ("上年度总结", False)]
        assert rows[1].note.startswith("不在考评期内，不计入")
        assert "STA-4.2" in rows[1].note and "以发文日期或上报时间为准" in rows[1].note
        assert [inside.position, outside.position] == [1, 2]
        trail = db.session.scalars(sa.select(AuditEvent.comment).where(AuditEvent.subject_type == "campaign"))
        assert any("不在考评期内" in c for c in trail)


def test_the_unit_page_shows_the_out_of_period_mark(app: Flask, client, cworld: CWorld) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        evidence.add(
            _user(app, cworld.filler_a), cworld.cu_a, _file(), title="上年度总结", dated="2025-06-30"
        )
        db.session.commit()
    login(client, "c-unit-a")
    page = client.get(f"/campaigns/unit/{cworld.cu_a}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "不在考评期内，不计入" in html and 'data-counts="no"' in html


def test_materials_are_reordered_and_renumbered_after_a_delete(app: Flask, cworld: CWorld) -> None:
    with app.app_context():
        user = _user(app, cworld.filler_a)
        ids = [evidence.add(user, cworld.cu_a, _file(), title=t, dated="2026-03-01").id for t in "甲乙丙"]
        evidence.move(user, cworld.cu_a, ids[2], "up")
        order = lambda: db.session.scalars(  # noqa: E731
            sa.select(CampaignEvidence.title).where(CampaignEvidence.campaign_unit_id == cworld.cu_a)
            .order_by(CampaignEvidence.position)
        ).all()  # fmt: skip
        assert order() == ["甲", "丙", "乙"]
        evidence.remove(user, cworld.cu_a, ids[0])
        assert order() == ["丙", "乙"]
        positions = db.session.scalars(
            sa.select(CampaignEvidence.position).where(CampaignEvidence.campaign_unit_id == cworld.cu_a)
        ).all()
        assert sorted(positions) == [1, 2]


def test_another_units_filler_cannot_see_or_add_materials(app: Flask, cworld: CWorld) -> None:
    with app.app_context():
        with pytest.raises(NotFound):
            evidence.add(_user(app, cworld.outsider), cworld.cu_a, _file(), title="x", dated="2026-03-01")
        # a unit of the same campaign sees its own page only: the other unit's materials are hidden (404)
        with pytest.raises(NotFound):
            evidence.add(_user(app, cworld.filler_b), cworld.cu_a, _file(), title="x", dated="2026-03-01")
        assert db.session.scalar(sa.select(sa.func.count(CampaignEvidence.id))) == 0


def test_the_office_reads_but_does_not_upload_a_units_materials(app: Flask, cworld: CWorld) -> None:
    with app.app_context():
        with pytest.raises(ServiceError) as refused:
            evidence.add(_user(app, cworld.staff), cworld.cu_a, _file(), title="x", dated="2026-03-01")
        assert refused.value.status == 403


def test_materials_are_frozen_once_moderation_starts(app: Flask, cworld: CWorld) -> None:
    with app.app_context():
        kept = evidence.add(_user(app, cworld.filler_a), cworld.cu_a, _file(), title="甲", dated="2026-03-01")
        kept_id = kept.id
    set_state(app, cworld.campaign_id, "moderation")
    with app.app_context():
        user = _user(app, cworld.filler_a)
        for attempt in (
            lambda: evidence.add(user, cworld.cu_a, _file(), title="乙", dated="2026-03-01"),
            lambda: evidence.remove(user, cworld.cu_a, kept_id),
        ):
            with pytest.raises(ServiceError) as refused:
                attempt()
            assert refused.value.status == 409 and "STA-4.2" in refused.value.message
        assert db.session.scalar(sa.select(sa.func.count(CampaignEvidence.id))) == 1


@pytest.mark.parametrize(
    ("title", "dated", "item", "name", "data", "field"),
    [
        ("", "2026-01-01", "", "a.pdf", PDF, "title"),
        ("x" * 201, "2026-01-01", "", "a.pdf", PDF, "title"),
        ("总结", "", "", "a.pdf", PDF, "dated"),
        ("总结", "2026-13-45", "", "a.pdf", PDF, "dated"),
        ("总结", "99999-01-01", "", "a.pdf", PDF, "dated"),
        ("总结", "1900-01-01", "", "a.pdf", PDF, "dated"),
        ("总结", "2026-01-01", "no-such-item", "a.pdf", PDF, "item_id"),
        ("总结", "2026-01-01", "", "a.exe", b"MZ\x90\x00", "file"),
        ("总结", "2026-01-01", "", "a.pdf", b"<html>not a pdf</html>", "file"),
        ("总结", "2026-01-01", "", "a.pdf", b"", "file"),
    ],
)
def test_hostile_evidence_input_is_refused_with_nothing_written(  # type: ignore[no-untyped-def]
    app: Flask, cworld: CWorld, title, dated, item, name, data, field
) -> None:
    with app.app_context():
        with pytest.raises(ServiceError) as refused:
            evidence.add(_user(app, cworld.filler_a), cworld.cu_a, _file(name, data), title=title, dated=dated,
                         item_id=item)  # fmt: skip
        assert refused.value.field == field and refused.value.status == 400
        assert db.session.scalar(sa.select(sa.func.count(CampaignEvidence.id))) == 0
        folder = Path(app.config["UPLOAD_FOLDER"])
        assert not folder.exists() or not any(folder.iterdir())


def test_a_refused_upload_over_http_keeps_what_was_typed(app: Flask, client, cworld: CWorld) -> None:  # type: ignore[no-untyped-def]
    login(client, "c-unit-a")
    response = client.post(
        f"/campaigns/unit/{cworld.cu_a}/evidence",
        data={"title": "年度工作总结", "dated": "2026-02-30", "file": (io.BytesIO(PDF), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "年度工作总结" in html and "格式应为" in html


def test_download_is_for_the_unit_the_office_and_the_team_only(app: Flask, client, cworld: CWorld) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        eid = evidence.add(
            _user(app, cworld.filler_a), cworld.cu_a, _file(), title="甲", dated="2026-03-01"
        ).id
    url = f"/campaigns/unit/{cworld.cu_a}/evidence/{eid}"
    for username, status in [("c-unit-a", 200), ("c-staff", 200), ("c-member", 200), ("c-unit-b", 404),
                             ("c-outsider", 404), ("c-stranger", 404)]:  # fmt: skip
        client.post("/auth/logout")
        login(client, username)
        response = client.get(url)
        assert response.status_code == status, username
        if status == 200:
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.data == PDF


def test_invisible_characters_are_dropped_from_a_title(app: Flask, cworld: CWorld) -> None:
    """A bidi override (U+202E) would make the title read backwards in the list; it is not stored."""
    with app.app_context():
        added = evidence.add(_user(app, cworld.filler_a), cworld.cu_a, _file(), title="年度\u202e总结\u200b",
                             dated="2026-03-01")  # fmt: skip
        assert added.title == "年度总结"


def test_materials_go_with_the_submitted_self_assessment_and_reopen_with_it_sta_4_2(
    app: Flask, cworld: CWorld
) -> None:
    from tests.webapp.campaigns.test_unit_sheets import SELF, fill
    from webapp.campaigns.models import Campaign
    from webapp.scoring.services.scoresheets import operations

    with app.app_context():
        campaign = db.session.get(Campaign, cworld.campaign_id)
        assert campaign is not None
        campaign.scheme_id, campaign.scheme_version = "lrn", "1"
        db.session.commit()
        user = _user(app, cworld.filler_a)
        evidence.add(user, cworld.cu_a, _file(), title="甲", dated="2026-03-01")
        sheet = fill("c-unit-a", cworld.cu_a, "self", SELF)
        with pytest.raises(ServiceError) as refused:
            evidence.add(user, cworld.cu_a, _file(), title="乙", dated="2026-03-01")
        assert refused.value.code == "self_submitted" and refused.value.status == 409
        operations.reopen_sheet(user, sheet.id)
        evidence.add(user, cworld.cu_a, _file(), title="乙", dated="2026-03-01")
        assert db.session.scalar(sa.select(sa.func.count(CampaignEvidence.id))) == 2
