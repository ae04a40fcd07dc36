"""Incidents (迟报/漏报/瞒报 ZG-4.10, INF-3.7; 信息失实 ZG-4.9; serious ZG-4.11): each names its record (in the
database and in the service), cites its rule in the trail, is withdrawn with a reason and kept, and is seen only by
the office and the unit it is recorded against."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests.webapp.articles.conftest import World
from webapp.articles.models import Incident
from webapp.articles.services import articles, incidents, urgent
from webapp.articles.services.errors import Refused
from webapp.core.extensions import db
from webapp.core.services.audit import trail_of, verify_chain
from webapp.core.services.errors import Conflict, InvalidInput, NotFound

DAY = date(2027, 1, 5)
EVENT_AT = datetime(2027, 1, 5, 2, 0, tzinfo=UTC)


def _submitted(world: World, *, kind: str = "normal", secrecy: str = "none") -> int:
    article = articles.create_draft(
        world.officer_a, office_id=world.office.id, title="甲县某项工作数据", body="正文" * 30, today=DAY,
        kind=kind, secrecy=secrecy,
    )  # fmt: skip
    articles.fire(world.officer_a, article.id, "submit", today=DAY)
    articles.fire(world.signer_a, article.id, "sign_off", today=DAY)
    return article.id


def _urgent_report(world: World) -> tuple[int, int]:
    event, report = urgent.register_by_unit(
        world.officer_a, office_id=world.office.id, title="甲县某镇发生山体滑坡", occurred_at=EVENT_AT,
        report_title="山体滑坡首报", report_body="正文", now=EVENT_AT + timedelta(minutes=5),
    )  # fmt: skip
    articles.fire(world.officer_a, report.id, "submit", today=DAY)
    articles.fire(world.signer_a, report.id, "sign_off", today=DAY, now=EVENT_AT + timedelta(minutes=90))
    return event.id, report.id


def _record(world: World, **kwargs: object) -> Incident:
    values: dict[str, object] = {"occurred_on": DAY, "note": "首报晚于时限30分钟", "today": DAY}
    values.update(kwargs)
    return incidents.create(world.editor, **values)  # type: ignore[arg-type]


def test_the_database_refuses_an_incident_that_names_no_record(world: World) -> None:
    db.session.add(
        Incident(
            office_id=world.office.id,
            unit_id=world.unit_a.id,
            kind="late",
            occurred_on=DAY,
            note="无所指",
            recorded_by_id=world.editor.id,
        )  # fmt: skip
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_late_reporting_names_the_urgent_report_and_its_event_and_cites_zg_4_10(world: World) -> None:
    event_id, report_id = _urgent_report(world)
    incident = _record(world, kind="late", article_id=report_id)
    assert (incident.article_id, incident.urgent_event_id, incident.unit_id) == (
        report_id,
        event_id,
        world.unit_a.id,
    )
    [row] = trail_of("incident", incident.id)
    assert row.rule_id == "ZG-4.10" and "迟报" in row.comment and "山体滑坡首报" in row.comment
    assert verify_chain("incident", incident.id)


def test_an_omitted_report_names_the_event_and_no_article(world: World) -> None:
    event = urgent.register_by_office(
        world.editor, unit_id=world.unit_b.id, title="乙区某企业发生火灾", occurred_at=EVENT_AT,
        now=EVENT_AT + timedelta(minutes=5),
    )  # fmt: skip
    with pytest.raises(InvalidInput) as error:
        _record(world, kind="omitted", note="未报告")
    assert error.value.field == "urgent_event_id"
    with pytest.raises(InvalidInput) as error:
        _record(world, kind="omitted", urgent_event_id=event.id, article_id=_submitted(world))
    assert error.value.field == "article_id"
    incident = _record(world, kind="omitted", urgent_event_id=event.id, note="至今未报告")
    assert (incident.article_id, incident.urgent_event_id, incident.unit_id) == (
        None,
        event.id,
        world.unit_b.id,
    )


@pytest.mark.parametrize("kind", ["late", "concealed", "false_info"])
def test_every_other_kind_names_its_article(world: World, kind: str) -> None:
    with pytest.raises(InvalidInput) as error:
        _record(world, kind=kind)
    assert error.value.field == "article_id"


def test_late_and_concealed_are_about_urgent_reports_false_information_about_any_zg_4_9(world: World) -> None:
    ordinary = _submitted(world)
    for kind in ("late", "concealed"):
        with pytest.raises(InvalidInput):
            _record(world, kind=kind, article_id=ordinary)
    incident = _record(world, kind="false_info", article_id=ordinary, serious=True, note="数据与统计公报不符")
    row = trail_of("incident", incident.id)[0]
    assert row.rule_id == "ZG-4.9" and "性质严重" in row.comment and "ZG-4.11" in row.comment


def test_an_article_not_at_the_office_or_of_another_office_cannot_be_named(world: World) -> None:
    draft = articles.create_draft(
        world.officer_a, office_id=world.office.id, title="草稿", body="正文", today=DAY
    )
    for article_id in (draft.id, 2**62, -1, True, "1"):
        with pytest.raises(InvalidInput) as error:
            _record(world, kind="false_info", article_id=article_id)
        assert error.value.field == "article_id"


@pytest.mark.parametrize(
    ("day", "ok"), [(DAY, True), (DAY + timedelta(days=1), False), (DAY - timedelta(days=400), True),
                    (DAY - timedelta(days=401), False), (None, False)],
)  # fmt: skip
def test_the_date_is_not_in_the_future_nor_too_old(world: World, day: date | None, ok: bool) -> None:
    article_id = _submitted(world)
    if ok:
        assert _record(world, kind="false_info", article_id=article_id, occurred_on=day).occurred_on == day
    else:
        with pytest.raises(InvalidInput) as error:
            _record(world, kind="false_info", article_id=article_id, occurred_on=day)
        assert error.value.field == "occurred_on"


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer_a", 403), ("signer_a", 403), ("reader", 403), ("outsider", 403), ("upper_editor", 400)],
)
def test_only_the_offices_editor_or_head_records_an_incident(world: World, who: str, status: int) -> None:
    """The higher office's editor is an editor, but the article was not written to her office: no article of
    hers to name (400 on the field), rather than a refusal of her role."""
    article_id = _submitted(world)
    with pytest.raises((Refused, InvalidInput)) as error:
        incidents.create(getattr(world, who), kind="false_info", article_id=article_id, occurred_on=DAY,
                         note="数据有误", today=DAY)  # fmt: skip
    assert error.value.status == status
    if status == 403:
        assert "ZG-4.10" in error.value.message
    assert db.session.scalar(sa.select(sa.func.count(Incident.id))) == 0


def test_the_head_withdraws_an_incident_recorded_in_error_and_it_is_kept_with_the_reason(
    world: World,
) -> None:
    incident = _record(world, kind="false_info", article_id=_submitted(world), note="数据有误")
    with pytest.raises(Refused) as refused:
        incidents.withdraw(world.editor, incident.id, reason="经核实数据无误")
    assert refused.value.status == 403
    with pytest.raises(InvalidInput):
        incidents.withdraw(world.head, incident.id, reason="错")
    incidents.withdraw(world.head, incident.id, reason="经核实数据无误")
    kept = db.session.get(Incident, incident.id)
    assert kept is not None and kept.withdrawn_at is not None and kept.withdraw_reason == "经核实数据无误"
    with pytest.raises(Conflict):
        incidents.withdraw(world.head, incident.id, reason="再撤一次试试")
    assert [r.event for r in trail_of("incident", incident.id)] == ["recorded", "withdrawn"]
    assert incidents.facts(world.office.id, date(2027, 1, 1), date(2027, 12, 31)) == []


def test_the_scoring_reads_live_incidents_with_their_rule(world: World) -> None:
    _, report = _urgent_report(world)
    late = _record(world, kind="late", article_id=report, serious=True)
    [fact] = incidents.facts(world.office.id, date(2027, 1, 1), date(2027, 12, 31))
    assert (fact.incident_id, fact.kind, fact.serious, fact.rule, fact.unit_id) == (
        late.id, "late", True, "ZG-4.10", world.unit_a.id,
    )  # fmt: skip


def test_an_office_under_the_county_scheme_scores_late_and_concealed_under_inf_3_7() -> None:
    county = SimpleNamespace(scheme_id="ledger-inf")
    city = SimpleNamespace(scheme_id="ledger-zg")
    assert incidents.rule_for("late", county) == "INF-3.7"  # type: ignore[arg-type]
    assert incidents.rule_for("concealed", county) == "INF-3.7"  # type: ignore[arg-type]
    assert incidents.rule_for("late", city) == "ZG-4.10"  # type: ignore[arg-type]
    assert incidents.rule_for("false_info", county) == "ZG-4.9"  # type: ignore[arg-type]


def test_a_unit_sees_only_its_own_incidents_and_not_a_secret_articles_title(world: World) -> None:
    secret = _submitted(world, secrecy="secret")
    incident = _record(world, kind="false_info", article_id=secret, note="数据有误")
    for stranger in (world.officer_b, world.signer_b, world.upper_editor, world.outsider, world.reader):
        with pytest.raises(NotFound):
            incidents.load(stranger, incident.id)
    assert incidents.unit_incidents(world.officer_b, page=1).total == 0
    assert [i.id for i in incidents.unit_incidents(world.officer_a2, page=1).items] == [incident.id]
    assert not incidents.article_shown(world.officer_a2, incident)  # not the secret article's writer
    assert incidents.article_shown(world.officer_a, incident)
    assert incidents.office_incidents(world.office, page=1, withdrawn=True).total == 0
    assert incidents.office_incidents(world.office, page=1, kind="false_info").total == 1
