"""Commissions (约稿, ZG-6.2, INF-3.10) through the services: sent to chosen units, answered in time or late,
missed by the daily tick (idempotent), cancelled with a reason, seen only by the office and the targeted units."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.webapp.articles.conftest import World
from webapp.articles import home
from webapp.articles.models import CommissionTarget
from webapp.articles.services import articles, commissions
from webapp.articles.services.errors import Refused
from webapp.core.extensions import db
from webapp.core.services.audit import trail_of, verify_chain
from webapp.core.services.errors import Conflict, InvalidInput, NotFound

DAY = date(2027, 1, 5)
DUE = DAY + timedelta(days=5)


def _commission(world: World, *, units: list[int] | None = None, important: bool = False, due: date = DUE):
    return commissions.create(
        world.editor, topic="基层党组织建设经验", detail="800字以内，附数据", due_on=due, important=important,
        unit_ids=units if units is not None else [world.unit_a.id, world.unit_b.id], today=DAY,
    )  # fmt: skip


def _target(commission, unit_id: int) -> CommissionTarget:
    return next(t for t in commission.targets if t.unit_id == unit_id)


def _answer(world: World, target_id: int, officer, signer, on: date) -> int:
    article = articles.create_draft(
        officer, office_id=world.office.id, title="甲县党建经验", body="正文" * 40,
        commission_target_id=target_id, today=on,
    )  # fmt: skip
    articles.fire(officer, article.id, "submit", today=on)
    articles.fire(signer, article.id, "sign_off", today=on)
    return article.id


def test_the_office_sends_a_commission_to_chosen_units_and_the_trail_cites_zg_6_2(world: World) -> None:
    commission = _commission(world)
    assert [t.status for t in commission.targets] == ["pending", "pending"]
    [row] = trail_of("commission", commission.id)
    assert row.event == "commission_created" and row.rule_id == "ZG-6.2"
    assert "甲县委组织部" in row.comment and "乙区委组织部" in row.comment
    important = _commission(world, important=True, units=[world.unit_a.id])
    assert trail_of("commission", important.id)[0].rule_id == "INF-3.10"


@pytest.mark.parametrize(
    ("due", "ok"),
    [(DAY, True), (DAY + timedelta(days=366), True), (DAY - timedelta(days=1), False),
     (DAY + timedelta(days=367), False), (date(9999, 12, 31), False)],
)  # fmt: skip
def test_a_deadline_is_from_today_to_within_a_year(world: World, due: date, ok: bool) -> None:
    if ok:
        assert _commission(world, due=due).due_on == due
    else:
        with pytest.raises(InvalidInput) as error:
            _commission(world, due=due)
        assert error.value.field == "due_on"


def test_the_chosen_units_must_be_units_of_the_office(world: World) -> None:
    for units in ([], [world.outsider.organisation_id], [world.unit_a.id, 2**62], ["1"]):  # type: ignore[list-item]
        with pytest.raises(InvalidInput) as error:
            _commission(world, units=units)
        assert error.value.field == "unit_ids"
    repeated = _commission(world, units=[world.unit_a.id, world.unit_a.id])
    assert len(repeated.targets) == 1


@pytest.mark.parametrize("who", ["officer_a", "signer_a", "reader", "outsider"])
def test_only_the_offices_editor_or_head_sends_a_commission_zg_6_2(world: World, who: str) -> None:
    with pytest.raises(Refused) as refused:
        commissions.create(
            getattr(world, who), topic="主题主题", detail="", due_on=DUE, important=False,
            unit_ids=[world.unit_a.id], today=DAY,
        )  # fmt: skip
    assert refused.value.status == 403 and "ZG-6.2" in refused.value.message


def test_a_higher_office_cannot_commission_the_units_of_a_lower_one(world: World) -> None:
    with pytest.raises(InvalidInput) as error:
        commissions.create(
            world.upper_editor, topic="主题主题", detail="", due_on=DUE, important=False,
            unit_ids=[world.unit_a.id], today=DAY,
        )  # fmt: skip
    assert error.value.field == "unit_ids"


def test_an_answer_signed_off_by_the_deadline_is_in_time_and_after_it_late_inf_3_10(world: World) -> None:
    commission = _commission(world)
    a, b = _target(commission, world.unit_a.id), _target(commission, world.unit_b.id)
    _answer(world, a.id, world.officer_a, world.signer_a, DUE)  # on the deadline day itself
    _answer(world, b.id, world.officer_b, world.signer_b, DUE + timedelta(days=1))
    db.session.refresh(a)
    db.session.refresh(b)
    assert (a.status, a.answered_on) == ("answered", DUE)
    assert (b.status, b.answered_on) == ("late", DUE + timedelta(days=1))
    answered = [row for row in trail_of("commission", commission.id) if row.event == "target_answered"]
    assert [row.to_state for row in answered] == ["answered", "late"]
    assert verify_chain("commission", commission.id)


def test_the_tick_marks_unanswered_targets_missed_once_and_a_late_answer_still_counts(world: World) -> None:
    commission = _commission(world)
    a = _target(commission, world.unit_a.id)
    _answer(world, _target(commission, world.unit_b.id).id, world.officer_b, world.signer_b, DAY)
    assert home.tick(DUE) == {"articles": {"commission_targets_missed": []}}  # the deadline day is still open
    report = home.tick(DUE + timedelta(days=1))
    assert report == {"articles": {"commission_targets_missed": [a.id]}}
    assert home.tick(DUE + timedelta(days=1)) == {"articles": {"commission_targets_missed": []}}
    assert home.tick(DUE + timedelta(days=30)) == {"articles": {"commission_targets_missed": []}}
    missed = [row for row in trail_of("commission", commission.id) if row.event == "targets_missed"]
    assert (
        len(missed) == 1
        and missed[0].actor_name == commissions.TICK_ACTOR
        and "甲县委组织部" in missed[0].comment
    )
    db.session.refresh(a)
    assert a.status == "missed"
    _answer(world, a.id, world.officer_a, world.signer_a, DUE + timedelta(days=3))
    db.session.refresh(a)
    assert a.status == "late"


def test_a_cancelled_commission_needs_a_reason_is_never_missed_and_takes_no_answer(world: World) -> None:
    commission = _commission(world)
    with pytest.raises(InvalidInput) as error:
        commissions.cancel(world.editor, commission.id, reason="  ")
    assert error.value.field == "reason"
    with pytest.raises(Refused):
        commissions.cancel(world.officer_a, commission.id, reason="单位不想写了")
    commissions.cancel(world.head, commission.id, reason="上级调整了约稿计划")
    with pytest.raises(Conflict):
        commissions.cancel(world.editor, commission.id, reason="再取消一次")
    assert home.tick(DUE + timedelta(days=10))["articles"]["commission_targets_missed"] == []
    with pytest.raises(InvalidInput) as error:
        articles.create_draft(
            world.officer_a, office_id=world.office.id, title="标题", body="正文",
            commission_target_id=_target(commission, world.unit_a.id).id, today=DAY,
        )  # fmt: skip
    assert error.value.field == "commission_target_id"
    cancelled = trail_of("commission", commission.id)[-1]
    assert cancelled.event == "commission_cancelled" and "上级调整了约稿计划" in cancelled.comment


def test_a_unit_sees_only_its_own_target_and_other_offices_see_nothing(world: World) -> None:
    commission = _commission(world, units=[world.unit_a.id])
    for stranger in (world.officer_b, world.signer_b, world.upper_editor, world.outsider, world.reader):
        with pytest.raises(NotFound):
            commissions.load(stranger, commission.id)
    shared = _commission(world)
    assert [t.unit_id for t in commissions.targets_shown(world.officer_a, shared)] == [world.unit_a.id]
    assert len(commissions.targets_shown(world.editor, shared)) == 2
    page = commissions.unit_targets(world.officer_b, DAY, page=1)
    assert [t.commission_id for t in page.items] == [shared.id]
    assert commissions.unit_targets(world.editor, DAY, page=1).total == 0


def test_the_scoring_reads_late_and_missed_answers_as_of_a_day_inf_3_10(world: World) -> None:
    commission = _commission(world, important=True)
    _answer(
        world,
        _target(commission, world.unit_b.id).id,
        world.officer_b,
        world.signer_b,
        DUE + timedelta(days=2),
    )
    outcomes = commissions.outcomes(
        world.office.id, date(2027, 1, 1), date(2027, 3, 31), as_of=DUE + timedelta(days=3)
    )
    by_unit = {o.unit_id: o for o in outcomes}
    # unit A: pending in the database (no tick yet) but past the deadline: read as missed
    assert by_unit[world.unit_a.id].status == "missed" and by_unit[world.unit_b.id].status == "late"
    assert all(o.important and o.rule == "INF-3.10" for o in outcomes)
    assert commissions.outcomes(world.office.id, date(2027, 4, 1), date(2027, 6, 30), as_of=DUE) == []


def test_the_tick_marks_one_or_many_commissions_missed_with_the_same_statements_inf_3_10(
    world: World,
) -> None:
    """Set-based: one locking read, one UPDATE, one read of the trails' ends and one bulk insert of the trail
    rows, whether one commission or ten were missed; each trail stays a valid chain (INF-3.10 / ZG-6.2)."""
    import sqlalchemy as sa

    def statements(day: date) -> tuple[int, list[int]]:
        seen: list[str] = []

        def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
            seen.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            missed = commissions.mark_missed(day)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(seen), missed

    one = _commission(world, due=DUE)
    many = [_commission(world, due=DUE + timedelta(days=1), important=n % 2 == 0) for n in range(10)]
    few, missed_one = statements(DUE + timedelta(days=1))
    lots, missed_many = statements(DUE + timedelta(days=2))
    assert len(missed_one) == 2 and len(missed_many) == 20
    assert few == lots
    for commission in [one, *many]:
        [row] = [r for r in trail_of("commission", commission.id) if r.event == "targets_missed"]
        assert row.rule_id == ("INF-3.10" if commission.important else "ZG-6.2")
        assert "甲县委组织部" in row.comment and "乙区委组织部" in row.comment
        assert verify_chain("commission", commission.id)
