"""The office side's services: setup from a preset, moderation under the quotas, approval, copy, series."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.campaigns.conftest import STA_TOTALS, TODAY, Ref, World, draft, login, put_in_state, submit
from webapp.campaigns.models import Campaign
from webapp.campaigns.services import campaigns, moderation, results, series, setup
from webapp.campaigns.services.errors import Refused
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services.errors import InvalidInput, NotFound


def _user(world_user: Ref) -> User:
    user = db.session.get(User, world_user.id)
    assert user is not None
    return user


def test_a_draft_takes_the_presets_period_deadlines_and_quotas(app: Flask, world: World) -> None:
    """STA-2.1: the annual period; STA-4.1: the quotas 优秀2-3名、良好3-4名 as the campaign's rules."""
    with app.app_context():
        c = setup.create_draft(
            _user(world.staff), preset_id="sta-2017", period_start=date(2026, 5, 3), today=TODAY
        )
        assert (c.period_start, c.period_end) == (date(2026, 1, 1), date(2026, 12, 31))
        assert c.self_due == date(2027, 1, 15) and c.results_due == date(2027, 3, 1)
        assert c.rules["quotas"] == [
            {"grade": "优秀", "min": 2, "max": 3},
            {"grade": "良好", "min": 3, "max": 4},
        ]
        assert c.title == "2026年度统计基层基础工作考评" and c.series_id == c.id and c.state == "draft"


def test_only_the_offices_staff_set_up_a_campaign(app: Flask, world: World) -> None:
    with app.app_context():
        for who in (world.head, world.assessors[0]):
            with pytest.raises(Refused) as refused:
                setup.create_draft(
                    _user(who), preset_id="sta-2017", period_start=date(2026, 1, 1), today=TODAY
                )
            assert refused.value.status == 403
        campaign_id = draft(world)
        with pytest.raises(NotFound):  # another office's staff do not even learn it exists
            setup.update_schedule(_user(world.stranger), campaign_id, title="改名", deadlines={})


def test_opening_without_a_team_lead_is_refused_quoting_the_rule(app: Flask, world: World) -> None:
    """SAF-3.2: the city bureau organises an assessment team; CP-01 needs one lead."""
    with app.app_context():
        staff = _user(world.staff)
        c = setup.create_draft(staff, preset_id="sta-2017", period_start=date(2026, 1, 1), today=TODAY)
        setup.set_units(staff, c.id, units=[(u.id, "") for u in world.units])
        with pytest.raises(Refused) as refused:
            campaigns.fire(staff, c.id, "open", today=TODAY)
        assert "考评组" in refused.value.message and "SAF-3.2" in refused.value.message
        with pytest.raises(Refused) as no_lead:
            setup.set_team(staff, c.id, members=[world.assessors[0].id], lead_id=None)
        assert (
            no_lead.value.status == 400
            and no_lead.value.field == "lead"
            and "SAF-3.2" in no_lead.value.message
        )


def test_deadlines_out_of_order_or_out_of_range_are_refused_naming_the_field(
    app: Flask, world: World
) -> None:
    """STA-4.2: 自评 before 材料 before the results; nothing half-written."""
    with app.app_context():
        staff = _user(world.staff)
        campaign_id = draft(world)
        with pytest.raises(Refused) as order:
            setup.update_schedule(
                staff,
                campaign_id,
                title="年度考评",
                deadlines={"self_due": "2027-02-01", "materials_due": "2027-01-20"},
            )
        assert order.value.field == "materials_due" and "STA-4.2" in order.value.message
        for bad in ("2027-02-30", "20270101", "明天", "1999-01-01", "9999-12-31"):
            with pytest.raises(InvalidInput) as refused:
                setup.update_schedule(staff, campaign_id, title="年度考评", deadlines={"self_due": bad})
            assert refused.value.field == "self_due"
        with pytest.raises(InvalidInput):
            setup.update_schedule(staff, campaign_id, title="长" * 121, deadlines={})
        assert db.session.get(Campaign, campaign_id).title == "2026年度统计基层基础工作考评"  # type: ignore[union-attr]


def test_the_office_cannot_widen_the_quota_beyond_STA_4_1(app: Flask, world: World) -> None:
    with app.app_context():
        staff = _user(world.staff)
        campaign_id = draft(world)
        with pytest.raises(Refused) as refused:
            setup.update_quotas(
                staff,
                campaign_id,
                quotas=[{"grade": "优秀", "min": 2, "max": 4}, {"grade": "良好", "min": 3, "max": 4}],
                tie_rule="refuse",
            )
        assert (
            refused.value.status == 400
            and "优秀2-3名" in refused.value.message
            and refused.value.rule == "STA-4.1"
        )
        setup.update_quotas(
            staff,
            campaign_id,
            quotas=[{"grade": "优秀", "min": 3, "max": 3}, {"grade": "良好", "min": 3, "max": 4}],
            tie_rule="lower",
        )
        rules = db.session.get(Campaign, campaign_id).rules  # type: ignore[union-attr]
        assert rules["quotas"][0] == {"grade": "优秀", "min": 3, "max": 3} and rules["tie_rule"] == "lower"


def test_units_must_be_active_organisations_other_than_the_office(app: Flask, world: World) -> None:
    with app.app_context():
        staff = _user(world.staff)
        campaign_id = draft(world)
        for units in (
            [(world.office.id, "")],
            [(999_999, "")],
            [(world.units[0].id, ""), (world.units[0].id, "")],
        ):
            with pytest.raises(InvalidInput):
                setup.set_units(staff, campaign_id, units=units)
        with pytest.raises(Refused) as group:  # STA ranks everyone together: no groups
            setup.set_units(staff, campaign_id, units=[(world.units[0].id, "街道")])
        assert group.value.rule == "ORG-PR.9"
        assert len(db.session.get(Campaign, campaign_id).units) == 11  # type: ignore[union-attr]


def _moderating(world: World, totals: list[int] = STA_TOTALS) -> int:
    campaign_id = draft(world)
    submit(campaign_id, totals, self_totals=[t + 2 for t in totals])
    put_in_state(campaign_id, "moderation")
    return campaign_id


def test_four_excellent_is_refused_quoting_STA_4_1_and_three_and_four_stand(app: Flask, world: World) -> None:
    """STA Example 4: 11 units; 3 优秀 (ranks 1–3) and 4 良好 (ranks 4–7); 4 优秀 breaches 优秀2-3名."""
    with app.app_context():
        staff = _user(world.staff)
        campaign_id = _moderating(world)
        with pytest.raises(Refused) as refused:
            moderation.set_choices(staff, campaign_id, {"": {"优秀": 4, "良好": 4}})
        assert refused.value.status == 400 and refused.value.field == "choices"
        assert "优秀2-3名" in refused.value.message and refused.value.rule == "STA-4.1"
        assert db.session.get(Campaign, campaign_id).choices == {}  # type: ignore[union-attr]
        moderation.set_choices(staff, campaign_id, {"": {"优秀": "3", "良好": "4"}})
        ranked = results.ranking(db.session.get(Campaign, campaign_id))  # type: ignore[arg-type]
        grades = [u.grade for u in sorted(ranked.units, key=lambda u: u.rank)]
        assert grades == ["优秀"] * 3 + ["良好"] * 4 + ["合格"] * 4


def test_the_board_sets_self_against_agreed_for_every_unit(app: Flask, world: World) -> None:
    with app.app_context():
        campaign_id = _moderating(world)
        board = moderation.board(_user(world.head), campaign_id)
        first = board.units_of("")[0]
        assert (first.self_total, first.agreed_total, first.difference) == (
            Decimal(100),
            Decimal(98),
            Decimal(-2),
        )
        assert [u.ranked.rank for u in board.units_of("") if u.ranked] == list(range(1, 12))
        with pytest.raises(NotFound):
            moderation.board(_user(world.stranger), campaign_id)


def test_a_veto_needs_a_reason_and_keeps_score_and_rank_without_a_quota_place(
    app: Flask, world: World
) -> None:
    """ORG-12.3 / ORG GAP-10: the vetoed unit keeps its total and rank, takes no quota place."""
    with app.app_context():
        staff = _user(world.staff)
        campaign_id = _moderating(world)
        top = db.session.get(Campaign, campaign_id).units[0].id  # type: ignore[union-attr]
        with pytest.raises(InvalidInput) as refused:
            moderation.set_veto(staff, campaign_id, top, vetoed=True, reason="  ")
        assert refused.value.field == "veto_reason"
        moderation.set_veto(staff, campaign_id, top, vetoed=True, reason="发生否决性过错，经查实未上报")
        ranked = results.ranking(db.session.get(Campaign, campaign_id)).unit(str(top))  # type: ignore[arg-type]
        assert ranked.rank == 1 and ranked.vetoed and ranked.grade == "不合格"


def test_only_the_head_approves_or_returns_and_a_return_needs_a_reason(app: Flask, world: World) -> None:
    """ORG-PR.8: the results go to the head (部务会审核) before they are published."""
    with app.app_context():
        staff, head = _user(world.staff), _user(world.head)
        campaign_id = _moderating(world)
        moderation.set_choices(staff, campaign_id, {"": {"优秀": 3, "良好": 4}})
        campaigns.fire(staff, campaign_id, "submit_results", today=TODAY)
        with pytest.raises(Refused) as refused:
            campaigns.fire(staff, campaign_id, "approve", today=TODAY)
        assert refused.value.status in (403, 409)
        with pytest.raises(Refused) as no_reason:
            campaigns.fire(head, campaign_id, "return_results", reason="", today=TODAY)
        assert "ORG-PR.8" in no_reason.value.message
        campaigns.fire(head, campaign_id, "return_results", reason="请核实第3名的加分材料", today=TODAY)
        assert db.session.get(Campaign, campaign_id).state == "moderation"  # type: ignore[union-attr]
        campaigns.fire(staff, campaign_id, "submit_results", today=TODAY)
        campaigns.fire(head, campaign_id, "approve", today=TODAY)
        approved = db.session.get(Campaign, campaign_id)
        assert approved is not None and approved.state == "approved" and approved.result is not None


def test_a_copy_for_the_next_period_keeps_units_groups_team_and_rules(app: Flask, world: World) -> None:
    with app.app_context():
        staff = _user(world.staff)
        campaign_id = draft(world)
        copy = setup.copy_for_next(staff, campaign_id, today=TODAY)
        source = db.session.get(Campaign, campaign_id)
        assert source is not None
        assert (copy.period_start, copy.period_end, copy.state) == (
            date(2027, 1, 1),
            date(2027, 12, 31),
            "draft",
        )
        assert copy.series_id == campaign_id and copy.previous_id == campaign_id
        assert copy.title == "2027年度统计基层基础工作考评" and copy.self_due == date(2028, 1, 15)
        assert [u.organisation_id for u in copy.units] == [u.organisation_id for u in source.units]
        assert [(a.user_id, a.lead) for a in copy.assessors] == [
            (a.user_id, a.lead) for a in source.assessors
        ]
        assert copy.rules == source.rules
        with pytest.raises(Refused):  # one campaign per period of a series
            setup.copy_for_next(staff, campaign_id, today=TODAY)


def _approved_quarter(world: World, campaign_id: int, totals: list[int]) -> None:
    campaign = db.session.get(Campaign, campaign_id)
    assert campaign is not None
    submit(campaign_id, totals)
    campaign.state = "approved"
    campaign.result = results.ranking_to_dict(
        results.ranking(campaign, live=True), results.unit_names(campaign)
    )
    db.session.commit()


def test_the_series_composite_is_the_mean_of_the_quarters_weighted_20_percent(
    app: Flask, world: World
) -> None:
    """SAF-4.1 Example 1: quarters 92, 88, 95, 85 → composite 90, × 20 % = 18 (GAP-3: the mean)."""
    with app.app_context():
        staff = _user(world.staff)
        first = setup.create_draft(staff, preset_id="saf-2009", period_start=date(2026, 2, 1), today=TODAY)
        setup.set_units(staff, first.id, units=[(world.units[0].id, ""), (world.units[1].id, "")])
        ids = [first.id]
        for _ in range(3):
            ids.append(setup.copy_for_next(staff, ids[-1], today=TODAY).id)
        for campaign_id, score in zip(ids, (92, 88, 95, 85), strict=True):
            _approved_quarter(world, campaign_id, [score, 80])
        found = series.series(staff, ids[-1], year=2026)
        line = next(u for u in found.units if u.organisation_id == world.units[0].id)
        assert line.composite.value == Decimal(90) and line.composite.contribution == Decimal(18)
        assert [c.label for c in found.columns] == [f"2026年第{n}季度" for n in "一二三四"]


def test_the_series_shows_the_bottom_two_talk_and_written_report_of_the_monthly_rankings(
    app: Flask, world: World, client: FlaskClient
) -> None:
    """ORG-12.6 / ORG-12.7 Example 6 (GAP-3/4): bottom two in Jan and Feb → talk; a third time in Apr → written
    report. The annual line aggregates targets + bonus − faults + recognition (ORG-PR.7)."""
    with app.app_context():
        staff = _user(world.staff)
        first = setup.create_draft(
            staff, preset_id="org-2014-streets", period_start=date(2026, 1, 1), today=TODAY
        )
        setup.set_units(staff, first.id, units=[(u.id, "街道") for u in world.units[:4]])
        ids = [first.id]
        for _ in range(3):
            ids.append(setup.copy_for_next(staff, ids[-1], today=TODAY).id)
        # the first unit ranks 4, 3, 1, 3 of four: bottom two (ranks 3–4) in Jan, Feb and Apr
        months = ([10, 30, 20, 40], [20, 10, 30, 40], [40, 30, 20, 10], [20, 30, 10, 40])
        for campaign_id, totals in zip(ids, months, strict=True):
            _approved_quarter(world, campaign_id, totals)
        found = series.series(staff, ids[0], year=2026)
        line = next(u for u in found.units if u.organisation_id == world.units[0].id)
        assert [c.month for c in line.consequences if c.bottom_two] == [1, 2, 4]
        assert line.talk and line.written_report
        assert found.annual_aggregate and line.annual is not None
        assert line.annual.total == Decimal("22.50")  # mean of 10, 20, 40, 20; no claims, no recognition
        other = next(u for u in found.units if u.organisation_id == world.units[3].id)
        assert not other.written_report
    login(client, "staff")
    page = client.get(f"/campaigns/{ids[0]}/series?year=2026").get_data(as_text=True)
    assert "连续2次：组织约谈" in page and "累计3次：写出书面报告" in page and "ORG-12.7" in page


def test_the_office_may_assess_a_quarter_with_a_yearly_table(app: Flask, world: World) -> None:
    """The issue: an office opens a campaign for a month, quarter, half-year or year; the preset only proposes."""
    with app.app_context():
        c = setup.create_draft(
            _user(world.staff),
            preset_id="sta-2017",
            period_start=date(2026, 11, 5),
            period_kind="quarter",
            today=TODAY,
        )
        assert (c.period_kind, c.period_start, c.period_end) == (
            "quarter",
            date(2026, 10, 1),
            date(2026, 12, 31),
        )
        assert "第四季度" in c.title
        with pytest.raises(InvalidInput):
            setup.create_draft(
                _user(world.staff),
                preset_id="sta-2017",
                period_start=date(2026, 11, 5),
                period_kind="week",
                today=TODAY,
            )


def test_a_campaign_scores_with_the_offices_imported_table_saf_gap_1(app: Flask, world: World) -> None:
    """SAF GAP-1: the annex with the points is missing, so the shipped SAF table is a frame that cannot open a
    campaign; the office's own table imported under the same id is chosen when the campaign is created."""
    from config.schemes import load_scheme, scheme_to_toml
    from webapp.scoring.models import SchemeVersion

    with app.app_context():
        staff = _user(world.staff)
        frame = setup.create_draft(staff, preset_id="saf-2009", period_start=date(2026, 11, 5), today=TODAY)
        assert campaigns.facts_for(frame).scheme_frame
        own = scheme_to_toml(load_scheme("lrn")).replace('id = "lrn"', 'id = "saf-2009"', 1)
        own = own.replace('version = "1"', 'version = "bozhou-2009"', 1)
        db.session.add(
            SchemeVersion(scheme_id="saf-2009", version="bozhou-2009", name="亳州市安监局考评评分表", toml_text=own,
                          source="imported")
        )  # fmt: skip
        db.session.commit()
        campaign = setup.create_draft(
            staff, preset_id="saf-2009", period_start=date(2026, 8, 5), scheme_version="saf-2009@bozhou-2009",
            today=TODAY,
        )  # fmt: skip
        assert campaign.scheme_version == "bozhou-2009"
        assert not campaigns.facts_for(campaign).scheme_frame
        with pytest.raises(InvalidInput):
            setup.create_draft(
                staff,
                preset_id="saf-2009",
                period_start=date(2026, 5, 5),
                scheme_version="lrn@1",
                today=TODAY,
            )


def test_a_campaign_without_rank_quotas_grades_by_the_offices_score_bands(app: Flask, world: World) -> None:
    """The issue's result rules: grade bands where the rule sets no rank quotas (LRN-5.1 leaves the selection to
    the leading group, GAP-2); below every band 不合格; a vetoed unit keeps its veto grade (ORG-12.3)."""
    with app.app_context():
        staff = _user(world.staff)
        campaign_id = draft(world, preset="lrn")
        with pytest.raises(InvalidInput) as bad:
            setup.update_results_rules(staff, campaign_id, bands="优秀=80，良好=90")
        assert bad.value.field == "bands"
        setup.update_results_rules(staff, campaign_id, bands="优秀=90，良好=80，合格=60")
        submit(campaign_id, [95, 90, 85, 79.5, 60, 59.5, 40, 92, 81, 70, 65])
        campaign = db.session.get(Campaign, campaign_id)
        campaign.units[0].vetoed = True
        db.session.commit()
        by_unit = {u.unit: u for u in results.ranking(campaign, live=True).groups[0].units}
        grades = [by_unit[str(u.id)].grade for u in campaign.units]
        assert grades == [
            None,
            "优秀",
            "良好",
            "合格",
            "合格",
            "不合格",
            "不合格",
            "优秀",
            "良好",
            "合格",
            "合格",
        ]


def test_score_bands_are_refused_where_the_rule_sets_rank_quotas_sta_4_1(app: Flask, world: World) -> None:
    with app.app_context():
        campaign_id = draft(world)
        with pytest.raises(Refused) as refused:
            setup.update_results_rules(_user(world.staff), campaign_id, bands="优秀=90")
        assert refused.value.rule == "STA-4.1" and "优秀2-3名" in refused.value.message


def test_the_office_sets_the_weight_the_year_carries_into_the_target_assessment_saf_4_1(
    app: Flask, world: World
) -> None:
    with app.app_context():
        staff = _user(world.staff)
        campaign = setup.create_draft(
            staff, preset_id="saf-2009", period_start=date(2026, 11, 5), today=TODAY
        )
        assert Decimal(campaign.rules["composite"]["weight"]) == Decimal("0.2")
        setup.update_results_rules(staff, campaign.id, bands="", weight="25")
        assert db.session.get(Campaign, campaign.id).rules["composite"]["weight"] == "0.25"
        for bad in ("0", "101", "abc", "1e5", "NaN"):
            with pytest.raises(InvalidInput):
                setup.update_results_rules(staff, campaign.id, bands="", weight=bad)
