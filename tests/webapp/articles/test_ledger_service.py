"""The ledger read from the flow's own records (services/ledger.py): what is scored, in which period, and the
acts on a period — close (frozen), recompute (recorded, with the difference), publish. Today is 2027-01-05."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.webapp.articles.conftest import World
from tests.webapp.articles.issue_world import adopted
from tests.webapp.articles.office_steps import submitted
from webapp.articles.models import ArticleOffice, LedgerPeriod, LedgerRecompute, OfficeUnit, Publication
from webapp.articles.services import commissions, incidents, instructions, ledger, ledger_months
from webapp.core.extensions import db
from webapp.core.models import AuditEvent
from webapp.core.services.errors import Conflict, InvalidInput, NotFound

Q4 = ledger.period_from("2026-Q4")
Q1 = ledger.period_from("2027-Q1")


def _unit(result: dict, name: str) -> dict:
    unit = ledger.unit_result(result, name)
    assert unit is not None, [u["unit"] for u in result["units"]]
    return unit


def _line_texts(unit: dict) -> list[str]:
    return [line["text"] for line in unit["lines"]]


def test_an_adoption_in_the_offices_publication_scores_its_table_value_zg_4_3(world: World) -> None:
    """ZG-4.3: 《**组工信息》经验类单条 6分 — read from the adoption's publication code, class and form."""
    adopted(world, day=date(2026, 11, 10))
    unit = _unit(ledger.live(world.office, Q4), "甲县委组织部")
    assert unit["points"] == 6
    assert any("6分×1篇" in text for text in _line_texts(unit))
    assert _unit(ledger.live(world.office, Q4), "乙区委组织部")["points"] == 0


def test_an_adoption_after_the_28th_counts_in_the_next_period_zg_6_6(world: World) -> None:
    """ZG-6.6: 当月28日后刊发的稿件计分累积至下月 — the 29th of December belongs to January (the next quarter)."""
    adopted(world, day=date(2026, 12, 28), title="二十八日刊发")
    adopted(world, day=date(2026, 12, 29), title="二十九日刊发")
    assert _unit(ledger.live(world.office, Q4), "甲县委组织部")["points"] == 6
    assert _unit(ledger.live(world.office, Q1), "甲县委组织部")["points"] == 6


def test_a_submission_after_the_28th_counts_in_the_next_month_and_period_gap_9_zg_6_4(world: World) -> None:
    """GAP-9 (ZG-6.4, ZG-6.6): 「28日后」 is day 29 or later and moves to the next month. 甲 sent articles in only
    on 29 September and 29 December: Q3 lists it under 零报送 (ZG-5.3), Q4 counts the September one (read from
    the month before the quarter), Q1 the December one. 乙's on 28 June stays in June (Q2)."""
    submitted(world, "九月二十九日报送", day=date(2026, 9, 29))
    submitted(world, "十二月二十九日报送", day=date(2026, 12, 29))
    submitted(world, "六月二十八日报送", unit="b", day=date(2026, 6, 28))
    zero = {label: ledger.live(world.office, ledger.period_from(label))["zero_submission"]
            for label in ("2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1")}  # fmt: skip
    assert "甲县委组织部" in zero["2026-Q3"]
    assert "甲县委组织部" not in zero["2026-Q4"]
    assert "甲县委组织部" not in zero["2027-Q1"]
    assert "乙区委组织部" not in zero["2026-Q2"]
    assert "乙区委组织部" in zero["2026-Q3"]


def test_a_provincial_leaders_instruction_adds_its_bonus_and_a_county_one_is_noted_not_scored_zg_4_5(
    world: World,
) -> None:
    """ZG-4.5 gives points for national, provincial and city leaders; a county leader's instruction is noted."""
    first = adopted(world, day=date(2026, 11, 10), title="经验一")
    second = adopted(world, day=date(2026, 11, 12), title="经验二")
    for adoption, level in ((first, "provincial"), (second, "county")):
        instructions.record(
            world.editor, adoption.article_id, leader="某领导", level=level, text="很好，请推广。",
            instructed_on=date(2026, 11, 20), today=date(2026, 11, 20),
        )  # fmt: skip
    result = ledger.live(world.office, Q4)
    unit = _unit(result, "甲县委组织部")
    assert unit["points"] == 6 + 6 + 20
    assert any("县（区）领导批示不在本计分办法的批示加分之列" in note for note in result["skipped"])


def test_false_information_recorded_by_the_office_is_deducted_zg_4_9(world: World) -> None:
    """ZG-4.9: 信息失实 — the flow's incident kind maps onto the scheme's through its [flow] table."""
    adoption = adopted(world, day=date(2026, 11, 10))
    incidents.create(
        world.editor, kind="false_info", occurred_on=date(2026, 11, 15), note="数据与统计公报不符",
        article_id=adoption.article_id, today=date(2026, 11, 16),
    )  # fmt: skip
    unit = _unit(ledger.live(world.office, Q4), "甲县委组织部")
    assert unit["deductions"] < 0
    assert any(line["rule"] == "ZG-4.9" for line in unit["lines"])


def test_a_missed_important_commission_disqualifies_under_the_county_scheme_inf_3_10(world: World) -> None:
    """INF-3.10: 未按要求完成重要约稿任务 — under ledger-inf a missed important commission is that incident."""
    office = db.session.get(ArticleOffice, world.office.id)
    office.scheme_id = "ledger-inf"
    for unit in db.session.scalars(sa.select(OfficeUnit).where(OfficeUnit.office_id == office.id)):
        unit.group_code = "town"
        unit.base_score = 100
    db.session.commit()
    commissions.create(
        world.editor, topic="基层党建约稿", detail="", due_on=date(2026, 12, 10), important=True,
        unit_ids=[world.unit_a.id], today=date(2026, 12, 1),
    )  # fmt: skip
    unit = _unit(ledger.live(office, ledger.period_from("2026")), "甲县委组织部")
    assert any(flag["rule"] == "INF-3.10" for flag in unit["flags"]) or any(
        line["rule"] == "INF-3.10" for line in unit["lines"]
    )
    assert unit["advanced"] is not True


def test_a_unit_without_a_group_of_the_scheme_is_listed_not_scored_and_blocks_closing(world: World) -> None:
    unit = db.session.scalars(sa.select(OfficeUnit).where(OfficeUnit.unit_id == world.unit_b.id)).one()
    unit.group_code = ""
    db.session.commit()
    result = ledger.live(world.office, Q4)
    assert result["unplaced"] == ["乙区委组织部"]
    assert [u["unit"] for u in result["units"]] == ["甲县委组织部"]
    with pytest.raises(InvalidInput, match="乙区委组织部"):
        ledger.close(world.head, world.office, Q4)


def test_closing_freezes_the_result_and_a_late_adoption_shows_only_as_a_difference(world: World) -> None:
    adopted(world, day=date(2026, 11, 10))
    record = ledger.close(world.head, world.office, Q4)
    assert record.state == "closed" and record.period == "2026-Q4"
    adopted(world, day=date(2026, 12, 10), title="补录的十二月采用")
    frozen = ledger.view(world.office, Q4)
    assert frozen.frozen and _unit(frozen.result, "甲县委组织部")["points"] == 6
    _, fresh, changes = ledger.preview_recompute(world.office, Q4)
    assert _unit(fresh, "甲县委组织部")["points"] == 12
    assert {"unit": "甲县委组织部", "field": "total"} in [
        {k: c[k] for k in ("unit", "field")} for c in changes
    ]

    entry = ledger.recompute(world.head, world.office, Q4, "补录十二月采用记录", version=record.version_id)
    assert entry.previous["units"] and _unit(entry.previous, "甲县委组织部")["points"] == 6
    assert _unit(ledger.view(world.office, Q4).result, "甲县委组织部")["points"] == 12
    events = db.session.scalars(
        sa.select(AuditEvent.event).where(AuditEvent.subject_type == ledger.SUBJECT).order_by(AuditEvent.id)
    ).all()
    assert events == ["close", "recompute"]


def test_a_recompute_needs_a_reason_a_change_and_the_current_version(world: World) -> None:
    record = ledger.close(world.head, world.office, Q4)
    with pytest.raises(InvalidInput, match="原因"):
        ledger.recompute(world.head, world.office, Q4, "  补 ")
    with pytest.raises(InvalidInput, match="结果与已结算结果相同"):
        ledger.recompute(world.head, world.office, Q4, "核对后重新计算")
    adopted(world, day=date(2026, 12, 10))
    with pytest.raises(Conflict, match="已被他人处理，请刷新"):
        ledger.recompute(world.head, world.office, Q4, "补录采用记录", version=record.version_id + 1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerRecompute)) == 0


def test_a_period_is_closed_only_after_it_ends_once_and_by_the_office_head(world: World) -> None:
    with pytest.raises(InvalidInput, match="尚未结束"):
        ledger.close(world.head, world.office, Q1)
    for someone in (world.editor, world.reader, world.officer_a, world.outsider):
        with pytest.raises(NotFound):
            ledger.close(someone, world.office, Q4)
    ledger.close(world.head, world.office, Q4)
    with pytest.raises(Conflict, match="已被他人处理"):
        ledger.close(world.head, world.office, Q4)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerPeriod)) == 1


def test_the_bulletin_is_published_once_for_a_closed_period_with_a_title(world: World) -> None:
    with pytest.raises(InvalidInput, match="尚未结算"):
        ledger.publish(world.head, world.office, Q4, {"bulletin_title": "通报"})
    ledger.close(world.head, world.office, Q4)
    with pytest.raises(InvalidInput) as refused:
        ledger.publish(world.head, world.office, Q4, {"bulletin_title": "  "})
    assert refused.value.field == "bulletin_title"
    with pytest.raises(InvalidInput) as refused:
        ledger.publish(world.head, world.office, Q4, {"bulletin_title": "通报", "bulletin_number": "号" * 41})
    assert refused.value.field == "bulletin_number"
    record = ledger.publish(
        world.head, world.office, Q4,
        {"bulletin_number": "市组信通〔2027〕1号", "bulletin_title": "关于2026年第四季度组工信息工作情况的通报"},
    )  # fmt: skip
    assert record.state == "published" and record.published_by_id == world.head.id
    with pytest.raises(Conflict):
        ledger.publish(world.head, world.office, Q4, {"bulletin_title": "再发一次"})


@pytest.mark.parametrize(
    "text", ["", "2026-13", "2026-Q5", "去年", "1999-Q1", "2026-Q4; drop table", "9" * 500]
)
def test_a_period_that_cannot_be_read_is_a_chinese_message(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        ledger.period_from(text)
    assert refused.value.field == "period"


def test_the_difference_names_units_that_came_and_went() -> None:
    before = {"units": [{"unit": "甲", "total": 10, "rank": 1, "missing": 0, "advanced": None}]}
    after = {"units": [{"unit": "乙", "total": 5, "rank": 1, "missing": 0, "advanced": None}]}
    assert ledger.difference(before, after) == [
        {"unit": "乙", "field": "unit", "label": "单位", "before": False, "after": True},
        {"unit": "甲", "field": "unit", "label": "单位", "before": True, "after": False},
    ]
    same = ledger.difference(before, before)
    assert same == []


def test_the_current_period_follows_the_schemes_quota_period(world: World) -> None:
    """ZG-2.2: quotas are quarterly, so the office works in quarters."""
    assert ledger.current_period(world.office, date(2027, 1, 5)).label == "2027-Q1"
    assert ledger.current_period(world.office, date(2027, 5, 31)).label == "2027-Q2"
    assert ledger.last_day(Q4) == date(2026, 12, 31)
    assert ledger.is_over(Q4, date(2027, 1, 1)) and not ledger.is_over(Q4, date(2026, 12, 31))
    assert ledger.last_day(ledger.period_from("2028-02")) == date(2028, 2, 29)
    assert ledger.first_day(ledger.period_from("2027-H2")) == date(2027, 7, 1) - timedelta(days=0)


def test_points_by_month_place_each_article_in_its_month_after_the_cut_off_zg_6_6(world: World) -> None:
    """The chart's months: an article adopted on 29 December counts in January of the next year (ZG-6.6)."""
    adopted(world, day=date(2026, 11, 10), title="十一月")
    adopted(world, day=date(2026, 12, 29), title="十二月二十九日")
    months = ledger_months.points_by_month(world.office, 2026, as_of=date(2027, 1, 5))
    assert [m["label"] for m in months] == [f"{n}月" for n in range(1, 13)]
    by_label = {m["label"]: m["units"]["甲县委组织部"] for m in months}
    assert (by_label["11月"], by_label["12月"]) == (6, 0)
    january = ledger_months.points_by_month(world.office, 2027, as_of=date(2027, 1, 5))
    assert [(m["label"], m["units"]["甲县委组织部"]) for m in january] == [("1月", 6)]


def test_the_kept_months_are_scored_again_once_a_record_changes(world: World) -> None:
    """A chart asked for twice reads the kept months; an adoption recorded since moves `records_stamp` and the
    next ask scores the year again (ZG-6.6: November's article counts in November)."""
    adopted(world, day=date(2026, 11, 10), title="十一月")
    first = ledger_months.points_by_month(world.office, 2026, as_of=date(2027, 1, 5))
    assert ledger_months.points_by_month(world.office, 2026, as_of=date(2027, 1, 5)) is first
    adopted(world, day=date(2026, 11, 12), title="十一月又一篇")
    again = ledger_months.points_by_month(world.office, 2026, as_of=date(2027, 1, 5))
    assert again is not first
    assert {m["label"]: m["units"]["甲县委组织部"] for m in again}["11月"] == 12


def test_the_offices_months_scored_some_units_at_a_time_are_its_months_scored_at_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """issue 12 (worker RSS): the office's months read the year once, ordered by unit, and score a few units at a
    time (`ledger_months.MONTH_UNITS_AT_ONCE`): each unit's points are what the whole roster's records scored at
    once give. ZG-4.3 (经验类单条 6分), ZG-4.5 (a provincial leader's instruction +20), ZG-6.6 (29 December counts
    in January); a unit with no adoption has 0 in every month."""
    first = adopted(world, day=date(2026, 11, 10), title="经验一")
    adopted(world, day=date(2026, 12, 29), title="十二月二十九日")
    instructions.record(
        world.editor, first.article_id, leader="某领导", level="provincial", text="很好，请推广。",
        instructed_on=date(2026, 11, 20), today=date(2026, 11, 20),
    )  # fmt: skip
    monkeypatch.setattr(ledger_months, "MONTH_UNITS_AT_ONCE", 1)
    today = date(2027, 1, 5)

    def at_once() -> list[dict]:
        scheme = ledger.require_scheme(world.office)
        who = ledger.roster(world.office, scheme)
        year = ledger.records(world.office, scheme, ledger.period_from("2026"), who, today)
        return ledger_months.points_by_month(world.office, 2026, as_of=today, collected=year)

    months = ledger_months.points_by_month(world.office, 2026, as_of=today)
    assert months == at_once()
    by_label = {m["label"]: m["units"] for m in months}
    assert by_label["11月"] == {"甲县委组织部": 26, "乙区委组织部": 0}
    assert by_label["12月"] == {"甲县委组织部": 0, "乙区委组织部": 0}
    adopted(world, day=date(2026, 10, 5), title="乙区经验", officer=world.officer_b, signer=world.signer_b)
    months = ledger_months.points_by_month(world.office, 2026, as_of=today)  # 甲 and 乙 scored apart
    assert months == at_once()
    assert {m["label"]: m["units"]["乙区委组织部"] for m in months}["10月"] == 6


def test_a_month_the_records_of_some_units_cannot_be_scored_in_is_left_out_for_all(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The office's months scored some units at a time leave out a month the engine refuses for any of them, as
    it would for the whole office's records (the chart shows no month it cannot score; ZG-4.3 for the rest)."""
    from workflow.scoring.ledger import LedgerError

    adopted(world, day=date(2026, 11, 10), title="甲县经验")
    adopted(world, day=date(2026, 10, 5), title="乙区经验", officer=world.officer_b, signer=world.signer_b)
    monkeypatch.setattr(ledger_months, "MONTH_UNITS_AT_ONCE", 1)
    score = ledger_months.score_ledger

    def refusing_november_for_yi(scheme, units, records, period, **kwargs):  # type: ignore[no-untyped-def]
        if period.label == "2026-11" and [u.name for u in units] == ["乙区委组织部"]:
            raise LedgerError("ledger.input.unknown_unit", value="乙区委组织部")
        return score(scheme, units, records, period, **kwargs)

    monkeypatch.setattr(ledger_months, "score_ledger", refusing_november_for_yi)
    months = ledger_months.points_by_month(world.office, 2026, as_of=date(2027, 1, 5))
    assert [m["label"] for m in months] == [f"{n}月" for n in range(1, 13) if n != 11]
    assert {m["label"]: m["units"]["乙区委组织部"] for m in months}["10月"] == 6


def test_the_offices_months_leave_out_an_instruction_on_an_article_not_read_and_refuse_a_unit_read_twice(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The office's months, from a read of the year by unit: an instruction whose article the read did not bring is
    left out, as the read at once leaves it (ZG-4.5 adds to an adopted article); a unit whose adoptions come back
    after another's is refused in Chinese, never scored twice over (单位「…」的采用记录未连在一起)."""
    from dataclasses import replace

    from workflow.scoring.ledger import Instruction as LedgerInstruction

    adopted(world, day=date(2026, 11, 10), title="甲县经验")
    adopted(world, day=date(2026, 11, 11), title="甲县经验二")
    adopted(world, day=date(2026, 10, 5), title="乙区经验", officer=world.officer_b, signer=world.signer_b)
    monkeypatch.setattr(ledger_months, "MONTH_UNITS_AT_ONCE", 1)
    read = ledger_months.records
    today = date(2027, 1, 5)

    def with_an_instruction_on_no_article(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = read(*args, **kwargs)
        stray = LedgerInstruction("甲县委组织部", "999999", "provincial")
        return replace(found, records=replace(found.records, instructions=(stray,)))

    monkeypatch.setattr(ledger_months, "records", with_an_instruction_on_no_article)
    months = {m["label"]: m["units"] for m in ledger_months.points_by_month(world.office, 2026, as_of=today)}
    assert months["11月"] == {"甲县委组织部": 12, "乙区委组织部": 0} and months["10月"]["乙区委组织部"] == 6

    def with_jia_read_twice(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = read(*args, **kwargs)
        adoptions = sorted(found.by_unit or (), key=lambda a: a.unit)  # 乙区… sorts after 甲县…
        jia = [a for a in adoptions if a.unit == "甲县委组织部"]
        others = [a for a in adoptions if a.unit != "甲县委组织部"]
        return replace(found, by_unit=iter(jia[:1] + others + jia[1:]))

    monkeypatch.setattr(ledger_months, "records", with_jia_read_twice)
    with pytest.raises(ledger.LedgerUnavailable, match="单位「甲县委组织部」的采用记录未连在一起"):
        ledger_months.points_by_month(world.office, 2026, as_of=date(2027, 1, 6))


def test_a_published_bulletins_result_is_not_recomputed(world: World) -> None:
    """What was issued stays what was issued: a correction after the bulletin is a new document, not a recompute."""
    ledger.close(world.head, world.office, Q4)
    ledger.publish(
        world.head, world.office, Q4, {"bulletin_title": "关于2026年第四季度组工信息工作情况的通报"}
    )
    adopted(world, day=date(2026, 12, 10))
    with pytest.raises(InvalidInput, match="通报已发布"):
        ledger.recompute(world.head, world.office, Q4, "补录十二月采用记录")


def test_lines_name_the_offices_own_publication_not_the_sources_redacted_name(world: World) -> None:
    """The scheme keeps the source's 《**组工信息》; the office's P3 is 《市组工信息》, and people read that."""
    adopted(world, day=date(2026, 11, 10))
    texts = _line_texts(_unit(ledger.live(world.office, Q4), "甲县委组织部"))
    assert any(text.startswith("《市组工信息》经验类单条") for text in texts), texts
    assert not any("**" in text for text in texts)


def test_the_quarter_just_ended_waits_in_the_offices_worklist_until_it_is_closed(world: World) -> None:
    """On 5 January the fourth quarter is over: the office's ledger opens on it and its worklist says so."""
    from webapp.articles import home

    today = date(2027, 1, 5)
    assert ledger.default_period(world.office, today).label == "2026-Q4"
    lines = {area.title: area for area in home.worklist(world.editor, today)}
    assert lines["计分待结算"].count == 1 and "2026年第四季度" in lines["计分待结算"].description
    ledger.close(world.head, world.office, Q4)
    assert ledger.default_period(world.office, today).label == "2027-Q1"
    assert "计分待结算" not in {area.title for area in home.worklist(world.head, today)}
    assert "计分待结算" not in {area.title for area in home.worklist(world.officer_a, today)}


def test_a_request_reads_the_current_and_the_last_period_once_and_again_after_a_close(world: World) -> None:
    """issue 12: the ledger's page asks whether the last quarter is still to close and whether the one it shows is
    closed; within a request both are read in one statement. Closing the quarter writes, which drops what the
    request remembered (`request_cache`): the next question reads the frozen result."""
    from flask import current_app

    from tests.webapp.articles.office_steps import counted_statements

    with current_app.test_request_context("/ledger/"), counted_statements() as sql:
        assert ledger.closed_period(world.office, Q4) is None
        assert ledger.closed_period(world.office, Q1) is None
        assert len([s for s in sql if "FROM ledger_periods" in s]) == 1
        closed = ledger.close(world.head, world.office, Q4)
        assert ledger.closed_period(world.office, Q4) is closed
        assert ledger.closed_period(world.office, Q1) is None


def test_publication_names_are_the_offices_own_where_it_has_the_code(world: World) -> None:
    """P3 is the office's 《市组工信息》; the publications it has no row for keep the scheme's names."""
    scheme = ledger.require_scheme(world.office)
    names = ledger.publication_names(world.office, scheme)
    assert names["P3"] == "《市组工信息》" and names["P1"] == "中组部《组工信息》"
    assert (
        ledger.in_office_words("6 = 《**组工信息》经验类单条", scheme, names)
        == "6 = 《市组工信息》经验类单条"
    )


def test_the_kept_live_results_are_bounded_by_their_weight_and_what_the_page_made_goes_with_them(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """issue 12 (worker RSS ≤ 200 MB): an office head looking at period after period kept eight results of a
    province office in each worker (256 MB resident measured). The live results are kept under a weight budget
    (`LIVE_CACHE_WEIGHT`), and what the ranking page made of a result (its facts and rendered sections) is kept
    with it (`kept_with`) and dropped with it, so nothing keeps a dropped result alive."""
    from flask import current_app

    from webapp.articles.ledger import views

    adopted(world, day=date(2026, 11, 10))
    scheme = ledger.scheme_of(world.office)
    with current_app.test_request_context("/ledger/"):
        q4 = ledger.live(world.office, Q4)
        weight = ledger.result_weight(q4)
        assert weight >= len(q4["units"]) + 1  # its units and at least the line of 甲's adoption (ZG-4.3)
        monkeypatch.setattr(ledger._LIVE, "budget", weight + 1)  # room for one such result only
        shown = views._shown(q4, scheme, shared=True)
        assert views._shown(q4, scheme, shared=True) is shown  # kept with the result
        assert views._shown(q4, scheme, shared=False) is not shown  # a frozen result's: made each time
        assert ledger.live(world.office, Q4) is q4 and ledger.still_kept(q4)
        q3 = ledger.live(world.office, ledger.period_from("2026-Q3"))
        assert not ledger.still_kept(q4) and ledger.still_kept(q3)
        assert not any(shown in entry.made.values() for entry in ledger._LIVE.values())
        assert views._shown(q4, scheme, shared=True) is not shown  # q4 is not kept: nothing of it is either
        again = ledger.live(world.office, Q4)  # scored again from the records: the same figures
        assert again is not q4 and _unit(again, "甲县委组织部")["points"] == 6


def test_the_records_of_a_period_share_their_repeated_values(world: World) -> None:
    """issue 12 (worker RSS): the driver makes every row's publication code, class, form and day a new object; the
    records keep one of each, the same values (a province-year's records: 36.7 → 18.5 MB)."""
    adopted(world, day=date(2026, 11, 10), title="一")
    adopted(world, day=date(2026, 11, 10), title="二")
    scheme = ledger.require_scheme(world.office)
    collected = ledger.records(
        world.office, scheme, Q4, ledger.roster(world.office, scheme), date(2027, 1, 5)
    )
    first, second = collected.records.adoptions[:2]
    assert (first.publication, first.klass, first.form, first.day) == (
        second.publication, second.klass, second.form, second.day,
    )  # fmt: skip
    assert first.article != second.article
    assert all(getattr(first, f) is getattr(second, f) for f in ("publication", "klass", "form", "day"))


def test_the_adoptions_read_unit_after_unit_are_the_records_read_at_once(world: World) -> None:
    """issue 12 (worker RSS): a live period reads the office's adoptions ordered by unit for the engine to score
    one unit's at a time (`records(..., by_unit=True)`). What it reads and what it leaves out are the records read
    at once: an adoption in a publication the scheme does not list is skipped and counted, and a provincial
    leader's instruction on it left out (ZG-4.5 adds to a scored article); a county leader's is counted as not
    scored (ZG-4.5 names national, provincial and city leaders)."""
    outside = Publication(office_id=world.office.id, code="XX", name="《内部参阅》")
    db.session.add(outside)
    db.session.commit()
    scored = [
        adopted(world, day=date(2026, 11, 10), title="甲县经验"),
        adopted(
            world, day=date(2026, 11, 11), title="乙区经验", officer=world.officer_b, signer=world.signer_b
        ),
        adopted(world, day=date(2026, 11, 12), title="甲县经验二"),
    ]
    unscored = adopted(world, day=date(2026, 11, 13), title="内部参阅稿", publication_id=outside.id)
    for adoption, level in ((scored[1], "county"), (unscored, "provincial"), (scored[0], "provincial")):
        instructions.record(
            world.editor, adoption.article_id, leader="某领导", level=level, text="很好，请推广。",
            instructed_on=date(2026, 11, 20), today=date(2026, 11, 20),
        )  # fmt: skip
    scheme = ledger.require_scheme(world.office)
    who = ledger.roster(world.office, scheme)
    at_once = ledger.records(world.office, scheme, Q4, who, date(2027, 1, 5))
    by_unit = ledger.records(world.office, scheme, Q4, who, date(2027, 1, 5), by_unit=True)
    assert by_unit.records.adoptions == () and by_unit.by_unit is not None
    read = list(by_unit.by_unit)
    runs = [a.unit for i, a in enumerate(read) if i == 0 or read[i - 1].unit != a.unit]
    assert len(runs) == len(set(runs)) == 2  # each unit's adoptions together
    assert sorted(read, key=repr) == sorted(at_once.records.adoptions, key=repr) and len(read) == 3
    assert by_unit.records.instructions == at_once.records.instructions
    assert [i.article for i in at_once.records.instructions] == [str(scored[0].article_id)]
    assert (
        by_unit.skipped
        == at_once.skipped
        == [
            "刊物「《内部参阅》」不在计分办法所列刊物中，其采用记录未计分（1条）",
            "县（区）领导批示不在本计分办法的批示加分之列，未加分（1条）",
        ]
    )


def test_a_kept_result_holds_each_repeated_line_and_word_once(world: World) -> None:
    """issue 12 (worker RSS): the lines and quotas of every unit repeat the same words; read back from the result's
    JSON each was a string of its own (宜昌's year in the generated province: 88,621 strings of 1,776 values, 7.1
    of the 17.0 MB kept), and each line a dict of its own (the province office's year: 38,789 of 543, 14.8 MB kept,
    4.8 with one of each). The result keeps one of each: it is read, never changed. ZG-4.3: 甲 and 乙 each have one
    经验类单条 adopted, worth 6分."""
    adopted(world, day=date(2026, 11, 10), title="甲县经验")
    adopted(world, day=date(2026, 11, 11), title="乙区经验", officer=world.officer_b, signer=world.signer_b)
    result = ledger.live(world.office, Q4)
    a, b = _unit(result, "甲县委组织部"), _unit(result, "乙区委组织部")
    assert (a["points"], b["points"]) == (6, 6)
    assert a["lines"] == b["lines"] and a["lines"] is not b["lines"]
    assert a["lines"][0] is b["lines"][0]
    assert a["group"] is b["group"]


def test_a_period_is_scored_with_the_kept_results_making_room_for_it_first(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """issue 12 (worker RSS): before a period is scored afresh, the kept results make room for the one about to be
    made (`expected_weight`: its roster and months), so a worker never holds a kept year and the scoring of another
    at once (the generated province, tracemalloc: a second year's scoring peak 73.7 MB with the first kept, 56.6)."""
    from flask import current_app

    from webapp.articles.services.ledger import score_ledger

    adopted(world, day=date(2026, 11, 10))
    scheme = ledger.require_scheme(world.office)
    who = ledger.roster(world.office, scheme)
    year = ledger.period_from("2026")
    assert ledger.expected_weight(who, year) == len(who.units) * 28
    seen: list[bool] = []  # whether the watched result was still kept when a period was scored
    watched: list[dict] = []
    with current_app.test_request_context("/ledger/"):
        q4 = ledger.live(world.office, Q4)
        watched.append(q4)
        monkeypatch.setattr(
            ledger._LIVE, "budget", ledger.result_weight(q4) + ledger.expected_weight(who, year) - 1
        )

        def scoring(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            seen.append(ledger.still_kept(watched[-1]))
            return score_ledger(*args, **kwargs)

        monkeypatch.setattr(ledger, "score_ledger", scoring)
        assert _unit(ledger.live(world.office, year), "甲县委组织部")["points"] == 6  # ZG-4.3 as in Q4
        assert seen == [False]
        monkeypatch.setattr(ledger._LIVE, "budget", 10**9)  # room for everything: nothing goes
        watched.append(ledger.live(world.office, year))  # kept from before: not scored again
        ledger.live(world.office, Q1)
        assert seen == [False, True] and ledger.still_kept(watched[-1])
