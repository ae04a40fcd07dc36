"""Score sheet services: self-check, reviewer sheets, the agreed sheet, spread, and the review conclusion."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.webapp.sheets import world as w
from webapp.core.extensions import db
from webapp.core.models import AuditEvent
from webapp.core.services.errors import Conflict, NotFound
from webapp.grading.services import sheet_subject
from webapp.grading.services.errors import Refused
from webapp.scoring.models import ScoreSheet
from webapp.scoring.services import schemes
from webapp.scoring.services.scoresheets import agreed, checks, entries, operations, pages
from webapp.scoring.services.scoresheets.errors import SheetInvalid, SheetRefused
from webapp.scoring.services.scoresheets.operations import FormInput, JsonInput

D = Decimal


def last_event(case_id: int) -> AuditEvent:
    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.about("case", case_id)).order_by(AuditEvent.seq.desc())
    ).first()


# -- self-check (ARC-10.1.4) ---------------------------------------------------------------------------------


def test_a_submitted_self_check_sheet_is_the_self_check_evidence_for_requesting_acceptance_arc_10_1_4(world):
    with world.app_context():
        case_id = w.planned_case()
        w.upload(w.UNIT, case_id, "acceptance_report")
        with pytest.raises(Refused) as refused:
            w.fire(w.UNIT, case_id, "request_acceptance")
        assert refused.value.rule == "ARC-10.1.4"
        sheet = w.fill(w.UNIT, case_id, "self", w.SELF_CHECK, submit=False)
        with pytest.raises(Refused):  # a draft is not yet the table
            w.fire(w.UNIT, case_id, "request_acceptance")
        operations.submit_sheet(w.user(w.UNIT), sheet.id)
        assert w.fire(w.UNIT, case_id, "request_acceptance").state == "acceptance_requested"
        assert db.session.get(ScoreSheet, sheet.id).total == D(98)


def test_the_self_check_closes_once_acceptance_is_requested_arc_10_1_4(world):
    with world.app_context():
        case_id = w.review_case()
        sheet = operations.open_sheet(w.user(w.UNIT), case_id, "self")
        with pytest.raises(SheetRefused) as refused:
            operations.reopen_sheet(w.user(w.UNIT), sheet.id)
        assert refused.value.status == 409 and refused.value.rule == "ARC-10.1.4"
        assert "提出验收申请前" in refused.value.message


def test_only_the_applicant_fills_the_self_check(world):
    with world.app_context():
        case_id = w.planned_case()
        assert operations.open_sheet(w.user(w.STAFF), case_id, "self") is None
        sheet = operations.open_sheet(w.user(w.UNIT), case_id, "self")
        with pytest.raises(SheetRefused) as refused:
            operations.save_sheet(w.user(w.STAFF), sheet.id, JsonInput({}))
        assert refused.value.status == 403


# -- drafts, validation, submission ------------------------------------------------------------------------


def test_a_draft_keeps_an_unfinished_deduction_and_says_what_to_fix_before_submitting(world):
    with world.app_context():
        case_id = w.review_case()
        sheet = operations.open_sheet(w.user("reviewer-8"), case_id, "reviewer")
        form = {"HBS-3.3:deduction": "2", "HBS-5.1:awarded": "8", "HBS-5.1:reason": "编研不足",
                "HBS-5.3:measure:entry_rate": "90"}  # fmt: skip
        outcome = operations.save_sheet(w.user("reviewer-8"), sheet.id, FormInput(form))
        assert outcome.warnings == {"HBS-3.3:reason": "酌情扣分须填写扣分原因"}
        stored = db.session.get(ScoreSheet, sheet.id)
        assert stored.status == "draft" and stored.entries["HBS-3.3"] == {"deduction": "2"}
        assert stored.total is None  # not all entries could be scored
        with pytest.raises(SheetInvalid) as invalid:
            operations.save_sheet(w.user("reviewer-8"), sheet.id, FormInput(form), submit=True)
        assert invalid.value.errors == {"HBS-3.3:reason": "酌情扣分须填写扣分原因"}
        assert db.session.get(ScoreSheet, sheet.id).status == "draft"
        form["HBS-3.3:reason"] = "销毁清册缺审批签字"
        operations.save_sheet(w.user("reviewer-8"), sheet.id, FormInput(form), submit=True)
        stored = db.session.get(ScoreSheet, sheet.id)
        assert stored.status == "submitted" and stored.total == D(96)
        item = next(i for i in stored.result["items"] if i["id"] == "HBS-3.3")
        assert item["score"] == 8 and item["reasons"] == ["酌情扣2分：销毁清册缺审批签字（HBS-3.3）"]


def test_text_in_a_number_field_saves_nothing_and_names_the_field(world):
    with world.app_context():
        case_id = w.review_case()
        sheet = operations.open_sheet(w.user("reviewer-8"), case_id, "reviewer")
        before = db.session.get(ScoreSheet, sheet.id).version_id
        with pytest.raises(SheetInvalid) as invalid:
            operations.save_sheet(
                w.user("reviewer-8"),
                sheet.id,
                FormInput(
                    {
                        "HBS-3.1:defect:missing_file": "三",
                        "HBS-5.1:awarded": "x",
                        "HBS-1.1:defect:no_leader": "2",
                    }
                ),
            )
        assert invalid.value.errors == {
            "HBS-3.1:defect:missing_file": "请填写不小于0的整数",
            "HBS-5.1:awarded": "请填写数字",
            "HBS-1.1:defect:no_leader": "此项只计一次（0或1）",
        }
        db.session.expire_all()
        assert db.session.get(ScoreSheet, sheet.id).version_id == before


@pytest.mark.parametrize("typed", ["1e-400", "NaN", "inf", "8.555", "1E1"])
def test_a_score_that_is_not_a_plain_decimal_saves_nothing_and_names_the_field(world, typed):
    """Issue 7 point 6: 1e-400 was taken as a score of 0."""
    with world.app_context():
        case_id = w.review_case()
        sheet = operations.open_sheet(w.user("reviewer-8"), case_id, "reviewer")
        with pytest.raises(SheetInvalid) as invalid:
            operations.save_sheet(
                w.user("reviewer-8"),
                sheet.id,
                FormInput({"HBS-5.1:awarded": typed, "HBS-3.3:deduction": typed}),
            )
        assert invalid.value.errors == {"HBS-5.1:awarded": "请填写数字", "HBS-3.3:deduction": "请填写数字"}
        assert db.session.get(ScoreSheet, sheet.id).entries == {}


def test_submitting_with_unscored_items_is_refused_naming_them_as_the_table_does(world):
    with world.app_context():
        case_id = w.review_case()
        sheet = operations.open_sheet(w.user("reviewer-8"), case_id, "reviewer")
        with pytest.raises(SheetInvalid) as invalid:
            operations.save_sheet(w.user("reviewer-8"), sheet.id, FormInput({}), submit=True)
        assert (
            "尚未评分的项目：第五部分第1项「利用服务与编研」、第五部分第2项「档案目录计算机管理」"
            in invalid.value.message
        )
        assert "HBS-" not in invalid.value.message


def test_a_scored_item_without_its_reason_is_reported_as_such_not_as_unscored(world):
    """Issue 7 point 11: the summary said 「尚未评分（按0分计）」 for an item scored 9 of 10 without a reason."""
    with world.app_context():
        case_id = w.planned_case()
        sheet = operations.open_sheet(w.user(w.UNIT), case_id, "self")
        operations.save_sheet(w.user(w.UNIT), sheet.id, FormInput({"HBS-5.1:awarded": "9"}))
        page = pages.sheet_page(w.user(w.UNIT), sheet.id)
        assert page.faults == ["第五部分第1项「利用服务与编研」：低于满分须填写扣分原因"]
        assert not any("利用服务与编研" in label for label in page.unscored)
        with pytest.raises(SheetInvalid) as invalid:
            operations.save_sheet(w.user(w.UNIT), sheet.id, FormInput({"HBS-5.1:awarded": "9"}), submit=True)
        assert "第五部分第1项「利用服务与编研」：低于满分须填写扣分原因" in invalid.value.message
        assert "尚未评分的项目：第五部分第2项" in invalid.value.message


def test_a_stale_form_is_refused_instead_of_overwriting_newer_scores(world):
    with world.app_context():
        case_id = w.review_case()
        sheet = operations.open_sheet(w.user("reviewer-8"), case_id, "reviewer")
        version = sheet.version_id
        operations.save_sheet(w.user("reviewer-8"), sheet.id, FormInput({"HBS-5.1:awarded": "10"}))
        with pytest.raises(Conflict):
            operations.save_sheet(
                w.user("reviewer-8"), sheet.id, FormInput({"HBS-5.1:awarded": "9"}), expected_version=version
            )


def test_a_reviewer_fills_only_their_own_sheet_and_only_in_review_arc_10_4_5(world):
    with world.app_context():
        case_id = w.review_case()
        own = operations.open_sheet(w.user("reviewer-8"), case_id, "reviewer")
        with pytest.raises(SheetRefused) as refused:
            operations.save_sheet(w.user("reviewer-4"), own.id, JsonInput({}))
        assert refused.value.message == "只能填写本人的评审评分表。"
        # reviewer-9 is not on the panel and cannot even see the case
        with pytest.raises(Exception) as hidden:
            operations.open_sheet(w.user("reviewer-9"), case_id, "reviewer")
        assert getattr(hidden.value, "status", None) == 404


# -- the agreed sheet (GAP-12) ------------------------------------------------------------------------------


def test_the_agreed_sheet_starts_from_the_item_medians_of_the_submitted_sheets_gap_12(world):
    with world.app_context():
        case_id = w.reviewed_case()
        sheet = operations.open_sheet(w.user(w.LEAD), case_id, "agreed")
        entries = sheet.entries
        assert entries["HBS-5.1"]["awarded"] == "8"  # 8, 7, 9
        assert entries["HBS-3.1"]["awarded"] == "12"  # 12, 11, 13
        assert entries["HBS-2.2"]["awarded"] == "8"  # 8, 7, 10
        assert "缺少应归档文件" in entries["HBS-3.1"]["reason"]  # reviewers' reasons carried over
        assert entries["HBS-3.1"]["note"] == "抽查2026年文书档案"
        assert sheet.total == D(92)


def test_the_lead_may_prefill_with_the_mean_instead(world):
    with world.app_context():
        case_id = w.reviewed_case()
        operations.open_sheet(w.user(w.LEAD), case_id, "agreed")
        sheet = operations.prefill_agreed(w.user(w.LEAD), case_id, "mean")
        assert sheet.entries["HBS-2.2"]["awarded"] == "8.33"  # (8 + 7 + 10) / 3
        assert sheet.entries["HBS-5.1"]["awarded"] == "8"


def test_a_prefilled_agreed_sheet_can_be_submitted_as_it_stands_gap_12(world):
    """Issue 7 point 10: pre-fill never leaves a sheet that cannot be submitted (median and mean)."""
    with world.app_context():
        case_id = w.reviewed_case()
        sheet = operations.open_sheet(w.user(w.LEAD), case_id, "agreed")
        operations.prefill_agreed(w.user(w.LEAD), case_id, "mean")
        submitted = operations.submit_sheet(w.user(w.LEAD), sheet.id)
        assert submitted.submitted and submitted.total is not None
        operations.reopen_sheet(w.user(w.LEAD), sheet.id)
        operations.prefill_agreed(w.user(w.LEAD), case_id, "median")
        assert operations.submit_sheet(w.user(w.LEAD), sheet.id).total == D(92)


def test_submitting_and_reopening_a_sheet_are_written_to_the_case_trail_arc_10_4_5(world):
    """ARC-10.4.5: who submitted or took back a score sheet, and when, is on the case's hash-chained timeline."""
    from webapp.core.services.audit import verify_chain

    with world.app_context():
        case_id = w.reviewed_case()
        sheet = operations.open_sheet(w.user(w.LEAD), case_id, "agreed")
        operations.prefill_agreed(w.user(w.LEAD), case_id, "median")
        operations.submit_sheet(w.user(w.LEAD), sheet.id)
        submitted = last_event(case_id)
        assert (submitted.event, submitted.rule_id) == ("sheet_submitted", "ARC-10.4.5")
        assert submitted.comment == "提交合议评分表，总分 92" and submitted.actor_user_id == w.user(w.LEAD).id
        operations.reopen_sheet(w.user(w.LEAD), sheet.id)
        reopened = last_event(case_id)
        assert (reopened.event, reopened.seq) == ("sheet_reopened", submitted.seq + 1)
        assert "合议评分表" in reopened.comment
        assert verify_chain("case", case_id).ok


def test_the_prefilled_reason_is_the_reviewers_words_once_without_item_codes(world):
    """Issue 7 point 10: the reason read 「评定8分（满分10分）：评定8分（满分10分）：编研不足（HBS-5.1）；…」."""
    with world.app_context():
        case_id = w.reviewed_case()
        sheet = operations.open_sheet(w.user(w.LEAD), case_id, "agreed")
        # the median 8 is reviewer-7's score: their reason, not the other two's
        assert sheet.entries["HBS-5.1"]["reason"] == "编研不足"
        assert sheet.entries["HBS-3.1"]["reason"] == "缺少应归档文件3份，每份扣1分，扣3分"
        reasons = checks.item_reasons(sheet.result)["HBS-5.1"]
        assert reasons and all(r.count("评定") == 1 for r in reasons)


def lead_form(sheet) -> dict[str, str]:  # noqa: ANN001
    scheme = schemes.get_scheme(sheet.scheme_id, sheet.scheme_version)
    return entries.entries_to_form(scheme, "second", sheet.entries)


def test_entering_a_deduction_replaces_a_prefilled_score_gap_12(world):
    """Issue 7 point 10: ticking a deduction made the total 「—」 until the lead cleared the hidden score."""
    with world.app_context():
        case_id = w.reviewed_case()
        sheet = operations.open_sheet(w.user(w.LEAD), case_id, "agreed")
        assert sheet.prefilled["HBS-2.2"] == "8"
        form = lead_form(sheet)  # the page as it arrives: 8 pre-filled on HBS-2.2
        form["HBS-2.2:defect:missing_protection"] = "3"
        outcome = operations.save_sheet(w.user(w.LEAD), sheet.id, FormInput(form), submit=True)
        assert outcome.submitted and not outcome.warnings
        assert sheet.entries["HBS-2.2"] == {
            "defects": {"missing_protection": 3},
            "reason": sheet.entries["HBS-2.2"]["reason"],
        }
        assert checks.item_scores(sheet.result)["HBS-2.2"] == D(7)
        assert sheet.total == D(91)
        assert "HBS-2.2" not in sheet.prefilled and sheet.prefilled["HBS-3.1"] == "12"


def test_a_score_the_lead_typed_is_not_replaced_by_a_deduction(world):
    with world.app_context():
        case_id = w.reviewed_case()
        sheet = operations.open_sheet(w.user(w.LEAD), case_id, "agreed")
        form = lead_form(sheet)
        form["HBS-2.2:awarded"] = "6"
        form["HBS-2.2:defect:missing_protection"] = "3"
        with pytest.raises(SheetInvalid) as invalid:
            operations.save_sheet(w.user(w.LEAD), sheet.id, FormInput(form), submit=True)
        assert invalid.value.errors == {"HBS-2.2:awarded": "直接评分与扣分项只能填写一种"}


def test_the_api_applies_the_same_rule_to_a_prefilled_score(world):
    with world.app_context():
        case_id = w.reviewed_case()
        sheet = operations.open_sheet(w.user(w.LEAD), case_id, "agreed")
        entries = {k: dict(v) for k, v in sheet.entries.items()}
        entries["HBS-2.2"]["defects"] = {"missing_protection": 1}
        operations.save_sheet(w.user(w.LEAD), sheet.id, JsonInput(entries))
        assert "awarded" not in sheet.entries["HBS-2.2"]
        assert checks.item_scores(sheet.result)["HBS-2.2"] == D(9)


def test_only_the_lead_keeps_the_agreed_sheet(world):
    with world.app_context():
        case_id = w.reviewed_case()
        assert operations.open_sheet(w.user("reviewer-8"), case_id, "agreed") is None
        sheet = operations.open_sheet(w.user(w.LEAD), case_id, "agreed")
        with pytest.raises(SheetRefused) as refused:
            operations.save_sheet(w.user("reviewer-8"), sheet.id, JsonInput({}))
        assert refused.value.message == "合议评分表由评审组组长填写。"


def test_a_deduction_on_the_agreed_sheet_needs_its_reason(world):
    with world.app_context():
        case_id = w.reviewed_case()
        sheet = operations.open_sheet(w.user(w.LEAD), case_id, "agreed")
        form = entries.entries_to_form(
            schemes.get_scheme(sheet.scheme_id, sheet.scheme_version), "second", sheet.entries
        )
        form["HBS-3.1:reason"] = ""
        with pytest.raises(SheetInvalid) as invalid:
            operations.save_sheet(w.user(w.LEAD), sheet.id, FormInput(form), submit=True)
        assert invalid.value.errors == {"HBS-3.1:reason": "低于满分须填写扣分原因"}


def test_spread_shows_each_reviewer_the_range_and_the_difference_from_the_self_check(world):
    with world.app_context():
        case_id = w.reviewed_case()
        operations.open_sheet(w.user(w.LEAD), case_id, "agreed")
        case = w.case(case_id)
        table = agreed.spread_table(sheet_subject.sheet_subject(case), sheet_subject.scheme_for_case(case))
        assert table.reviewers == ["徐长江", "马晓东", "罗静"]  # lead first
        row = table.rows["HBS-2.2"]
        assert row.reviewer_scores == [D(8), D(7), D(10)]
        assert (row.low, row.high, row.spread) == (D(7), D(10), D(3))
        assert row.self_score == D(10) and row.agreed_score == D(8)
        assert row.self_difference == D(-2)
        assert table.rows["HBS-4.1"].spread == 0 and table.rows["HBS-4.1"].self_difference == 0


# -- the conclusion from the agreed sheet (ARC-7.2, ARC-10.4.5) ----------------------------------------------


def agree(case_id: int, changes: dict | None = None) -> None:
    sheet = operations.open_sheet(w.user(w.LEAD), case_id, "agreed")
    entries = {k: dict(v) for k, v in sheet.entries.items()}
    entries.update(changes or {})
    operations.save_sheet(w.user(w.LEAD), sheet.id, JsonInput(entries), submit=True)


def test_concluding_without_a_total_uses_the_agreed_sheet_and_passes_at_the_line_arc_7_2(world):
    with world.app_context():
        case_id = w.reviewed_case()
        # 80 exactly reaches the 省二级 line (GAP-12): HBS-3.3 loses 10, HBS-2.2 loses 2 more → 80
        agree(case_id, {"HBS-3.3": {"deduction": "10", "reason": "未开展鉴定销毁"},
                        "HBS-2.2": {"defects": {"missing_protection": 4}}})  # fmt: skip
        case = w.fire(w.LEAD, case_id, "conclude_review", today=w.NOTICE_OVER)
        assert case.state == "awaiting_approval"
        assert (case.total_score, case.conclusion) == (D(80), "pass")
        event = last_event(case_id)
        assert event.rule_id == "ARC-10.4.5"
        assert "评审总分80分，达到省二级达标分数线80分（ARC-7.2）" in event.comment


def test_a_total_below_the_line_rejects_the_case_with_the_reason(world):
    with world.app_context():
        case_id = w.reviewed_case()
        agree(case_id, {"HBS-3.3": {"deduction": "10", "reason": "未开展鉴定销毁"},
                        "HBS-2.2": {"defects": {"missing_protection": 5}}})  # fmt: skip
        case = w.fire(w.LEAD, case_id, "conclude_review", today=w.NOTICE_OVER)
        assert (case.state, case.total_score, case.conclusion) == ("rejected", D(79), "fail")
        assert "未达到省二级达标分数线80分" in last_event(case_id).comment


def test_a_veto_rejects_the_case_whatever_the_total(world):
    with world.app_context():
        case_id = w.reviewed_case()
        agree(case_id, {"HBS-4.2": {"flags": ["security_incident"], "reason": "2026年5月档案被盗"}})
        case = w.fire(w.LEAD, case_id, "conclude_review", today=w.NOTICE_OVER)
        assert case.state == "rejected" and case.total_score == D(92) and case.conclusion == "fail"
        comment = last_event(case_id).comment
        assert "达到省二级达标分数线80分" in comment
        assert "一票否决：两年内发生档案丢失、被盗、损毁、失泄密等档案安全事故（HBS-4.2）" in comment


def test_a_section_below_its_minimum_rejects_the_case(world, monkeypatch):
    """Some provinces also require every part to reach 80 % of its points (scheme switch section_min_ratio)."""
    with world.app_context():
        case_id = w.reviewed_case()
        agree(case_id, {"HBS-2.2": {"defects": {"missing_protection": 5}}})  # 基础设施 15 of 20 < 16
        case = w.case(case_id)
        scheme = sheet_subject.scheme_for_case(case)
        strict = replace(scheme, section_min_ratio={"second": D("0.8")})
        monkeypatch.setattr(agreed, "scheme_of", lambda sheet: strict)
        outcome = sheet_subject.review_outcome_of(case)
        assert outcome.total == D(89) and not outcome.passed
        assert "基础设施得15分，低于本部分最低要求16分（HBS-2）" in outcome.reasons
        case = w.fire(w.LEAD, case_id, "conclude_review", today=w.NOTICE_OVER)
        assert case.state == "rejected"
        assert "低于本部分最低要求" in last_event(case_id).comment


def test_concluding_without_a_total_or_an_agreed_sheet_is_refused_arc_10_4_5(world):
    with world.app_context():
        case_id = w.reviewed_case()
        operations.open_sheet(w.user(w.LEAD), case_id, "agreed")  # a draft does not count
        with pytest.raises(Refused) as refused:
            w.fire(w.LEAD, case_id, "conclude_review", today=w.NOTICE_OVER)
        assert refused.value.code == "review_result_missing" and refused.value.rule == "ARC-10.4.5"
        assert w.case(case_id).state == "in_review"


def test_a_paper_total_is_still_accepted_where_the_ruleset_allows_it(world):
    with world.app_context():
        case_id = w.review_case()
        assert sheet_subject.paper_review_allowed(w.case(case_id))
        case = w.fire(w.LEAD, case_id, "conclude_review", today=w.NOTICE_OVER, total_score=85)
        assert case.state == "awaiting_approval"


def test_a_ruleset_without_paper_reviews_refuses_a_manual_total(world, monkeypatch):
    from config.rulesets import load_ruleset
    from webapp.grading.services import cases as case_services

    with world.app_context():
        case_id = w.reviewed_case()
        strict = load_ruleset("hubei-2011")
        strict = replace(strict, procedure=replace(strict.procedure, allow_paper_review=False))
        monkeypatch.setattr(case_services, "ruleset_for", lambda case=None: strict)
        with pytest.raises(Refused) as refused:
            w.fire(w.LEAD, case_id, "conclude_review", today=w.NOTICE_OVER, total_score=85)
        assert refused.value.code == "paper_review_not_allowed"
        agree(case_id)
        assert w.fire(w.LEAD, case_id, "conclude_review", today=w.NOTICE_OVER).state == "awaiting_approval"


def test_the_ruleset_switch_defaults_to_allowing_paper_reviews_and_must_be_a_boolean():
    import tomllib

    from config.rulesets import RULESET_DIR
    from workflow.errors import RulesetError
    from workflow.ruleset import parse_ruleset

    data = tomllib.loads((RULESET_DIR / "hubei-2011.toml").read_text(encoding="utf-8"))
    del data["procedure"]["allow_paper_review"]
    assert parse_ruleset(data, "x.toml").procedure.allow_paper_review is True
    data["procedure"]["allow_paper_review"] = "no"
    with pytest.raises(RulesetError, match="allow_paper_review"):
        parse_ruleset(data, "x.toml")


# -- version pinning ---------------------------------------------------------------------------------------


def test_activating_a_new_scheme_version_does_not_change_a_running_case(world):
    from config.schemes import read_scheme_file, scheme_to_toml

    with world.app_context():
        case_id = w.review_case()
        assert (w.case(case_id).scheme_id, w.case(case_id).scheme_version) == (
            "hubei-archive-sample",
            "sample-1",
        )
        admin = w.user("admin")
        data = scheme_to_toml(read_scheme_file("config/schemes/hubei-archive-sample.toml"))
        data = data.replace('version = "sample-1"', 'version = "2027.1"')
        row = schemes.save_imported(admin, data)
        schemes.activate(admin, row.id, "hubei-2011")
        assert schemes.active_scheme_for("hubei-2011") == ("hubei-archive-sample", "2027.1")
        running = w.case(case_id)
        assert (running.scheme_id, running.scheme_version) == ("hubei-archive-sample", "sample-1")
        sheet = operations.open_sheet(w.user("reviewer-8"), case_id, "reviewer")
        assert sheet.scheme_version == "sample-1"
        # a case opened now starts with the new version
        from webapp.grading.services import cases

        new = cases.open_case(
            w.user("unit-town"),
            level="second",
            kind="evaluation",
            preconditions=w.PRECONDITIONS,
            today=w.TODAY,
        )
        assert (new.scheme_id, new.scheme_version) == ("hubei-archive-sample", "2027.1")


def test_the_review_conclusion_pdf_comes_from_the_submitted_agreed_sheet(world):
    with world.app_context():
        case_id = w.reviewed_case()
        with pytest.raises(SheetRefused) as refused:
            sheet_subject.review_pdf(w.user(w.LEAD), case_id)
        assert refused.value.code == "agreed_sheet_missing"
        agree(case_id)
        name, content = sheet_subject.review_pdf(w.user(w.LEAD), case_id)
        assert content.startswith(b"%PDF") and name.endswith("评审结论.pdf")


def review_pdf_text(monkeypatch, case_id: int) -> str:  # noqa: ANN001
    from tests.webapp.documents.conftest import read_pdf
    from webapp.grading.documents import review

    render = review.review_conclusion_pdf  # sheet_subject imports it from there when it renders
    monkeypatch.setattr(review, "review_conclusion_pdf", lambda d: render(d, compress=False))
    return read_pdf(sheet_subject.review_pdf(w.user(w.LEAD), case_id)[1]).text


def test_the_review_conclusion_prints_the_panels_opinion_and_items_as_the_table_shows_them(
    world, monkeypatch
):
    """Issue 7 point 14: the PDF printed 「评审意见：本表为示例评分表。」 and item codes in brackets."""
    with world.app_context():
        case_id = w.reviewed_case()
        sheet = operations.open_sheet(w.user(w.LEAD), case_id, "agreed")
        form = lead_form(sheet)
        form["opinion"] = "档案管理规范，编研工作有待加强。"
        operations.save_sheet(w.user(w.LEAD), sheet.id, FormInput(form), submit=True)
        assert sheet.opinion == "档案管理规范，编研工作有待加强。"
        text = review_pdf_text(monkeypatch, case_id)
        assert "评审意见：档案管理规范，编研工作有待加强。" in text
        assert "本表为示例评分表。" not in text and "注：本评分表为示例表" in text
        assert "HBS-" not in text
        assert "缺少应归档文件3份，每份扣1分，扣3分" in text  # the reason, without （HBS-3.1）


def test_without_a_written_opinion_the_conclusion_prints_what_the_lead_wrote_when_concluding(
    world, monkeypatch
):
    with world.app_context():
        case_id = w.reviewed_case()
        agree(case_id)
        w.fire(
            w.LEAD, case_id, "conclude_review", today=w.NOTICE_OVER, comment="同意通过，请抓紧整改编研工作"
        )
        text = review_pdf_text(monkeypatch, case_id)
        assert "评审意见：同意通过，请抓紧整改编研工作" in text


def test_a_panel_seat_without_the_reviewer_role_gives_no_sheet_rights(world):
    """The lead (reviewer-7, a 夷陵区档案局 employee) loses the reviewer role but stays bureau staff: the old
    panel seat no longer lets them fill a reviewer sheet or keep the agreed sheet (deny by default)."""
    from webapp.core.models import UserRole

    with world.app_context():
        case_id = w.reviewed_case()
        lead = w.user(w.LEAD)
        lead.role_rows = [UserRole(role="bureau_staff")]
        db.session.commit()
        rights = sheet_subject.access(lead, w.case(case_id))
        assert rights.visible and rights.read_reviews  # still reads, as staff of the organising bureau
        assert not (rights.is_member or rights.is_lead or rights.edit_own_review or rights.edit_agreed)


def test_a_registered_version_is_read_once_per_process_and_an_unknown_one_is_still_refused(world):
    """Issue 12: a registered scheme version never changes (a changed table is a new version), so the case page
    reads its table once per process, not with a statement and the whole TOML text on every view."""
    from tests.webapp.sql_count import count_statements

    with world.app_context():
        first = schemes.get_scheme("hubei-archive-sample", "sample-1")
    with count_statements(world) as again, world.app_context():
        assert schemes.get_scheme("hubei-archive-sample", "sample-1") is first
    assert again.count == 0
    # counted inside the context: its end may add a statement of its own on PostgreSQL (core/read_transactions.py)
    with world.app_context(), count_statements(world) as unknown:
        with pytest.raises(NotFound):
            schemes.get_scheme("hubei-archive-sample", "no-such-version")
        with pytest.raises(NotFound):  # not kept: asked again, it is looked up again
            schemes.get_scheme("hubei-archive-sample", "no-such-version")
    assert unknown.count == 2
