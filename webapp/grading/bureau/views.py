"""Bureau staff pages: worklist, batch actions, panel formation, objections, the city's annual summary.

Each view turns the request into one service call (webapp/services); the services check role × jurisdiction ×
state and write the audit rows. Single-case events (pre-check opinions, close notice, approve …) live on the
shared case page ``/cases/<id>``; these pages link to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from config.rulesets import load_ruleset
from webapp.core import clock
from webapp.core.auth.permissions import roles_required
from webapp.core.extensions import db
from webapp.core.forms import choices
from webapp.core.models import Role, User, UserRole
from webapp.core.request_args import SQL_INT_MAX, year_arg
from webapp.core.rulesets import selected_ruleset
from webapp.core.services.errors import ServiceError
from webapp.grading.bureau import worklist_html
from webapp.grading.bureau.forms import (
    OBJECTION_OUTCOMES,
    BatchForwardForm,
    BatchPlanForm,
    BatchPublishForm,
    ObjectionDecisionForm,
    PanelForm,
    ReviewDateForm,
    SummarySubmitForm,
)
from webapp.grading.cases.forms import SpotCheckForm
from webapp.grading.documents.summary import (
    SUMMARY_COLUMNS,
    KeptByData,
    SummaryData,
    annual_summary_counts,
    annual_summary_rows,
    summary_due_note,
    summary_title,
)
from webapp.grading.models import Case, Objection
from webapp.grading.services import (
    case_page,
    case_search,
    cases,
    objection_filing,
    permissions,
    spot_checks,
    summary,
    worklist,
)
from webapp.grading.services import panel as panel_service
from webapp.grading.services.case_rows import CaseRecord
from webapp.grading.services.errors import BatchRefused, Refused
from webapp.grading.services.objections import ObjectionView, objection_views
from workflow import calendar
from workflow.grading import EVENT_LABELS, deadlines
from workflow.grading.authority import assignment
from workflow.ruleset import Ruleset

bureau_only = roles_required(Role.BUREAU_STAFF, Role.BUREAU_HEAD)


# --- helpers shared by the templates -----------------------------------------------------------------------


def notice_last_day(case: Case | CaseRecord) -> date | None:
    """Last day of the case's public notice (ARC-10.3.2), when one was published."""
    if case.notice_start is None:
        return None
    return calendar.notice_last_day(load_ruleset(case.ruleset_id), case.notice_start)


def template_helpers() -> dict[str, Any]:
    """What the bureau pages' templates call besides the globals (``case_url`` is one: grading's template helpers)."""
    return {
        "notice_last_day": notice_last_day,
        "EVENT_LABELS": EVENT_LABELS,
        "worklist_act_rows": worklist_html.act_rows,
        "worklist_supervised_rows": worklist_html.supervised_rows,
    }


# --- worklist ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchAction:
    """A batch action the worklist offers (bureaus really work these in batches)."""

    #: URL name: /bureau/batch/<name>
    name: str
    #: the event fired on every chosen case
    event: str
    label: str
    #: rule the action carries out, shown on the confirmation page
    rule: str
    form: type


BATCH_ACTIONS: dict[str, BatchAction] = {
    action.name: action
    for action in (
        BatchAction("plan", "plan", "下达年度考评计划", "ARC-10.1.3", BatchPlanForm),
        BatchAction("forward", "forward", "汇总报送省档案局", "ARC-10.1.2", BatchForwardForm),
        BatchAction("publish", "pass_precheck", "发布公示名单", "ARC-10.3.1", BatchPublishForm),
    )
}
#: the events a worklist row may be batched for (its checkbox shows when one of them is next)
BATCH_EVENTS = frozenset(action.event for action in BATCH_ACTIONS.values())
TABS = worklist.TABS


@bureau_only
def worklist_page() -> tuple[str, int]:
    today = clock.today()
    filters, errors, page, per_page = case_search.parse_list_args(request.args)
    filters, errors, bureaus = case_search.with_bureau_choices(current_user, filters, errors)
    tab = request.args.get("tab", "act")
    if tab not in TABS:
        tab = "act"
    result = worklist.worklist(
        current_user, today=today, filters=filters, tab=tab, page=page, per_page=per_page
    )
    offered = {event for row in result.rows for event in row.next_events}
    batch_actions = [action for action in BATCH_ACTIONS.values() if action.event in offered]
    kept = {} if errors else filters.query_args()
    return render_template(
        "grading/bureau/worklist.html",
        result=result,
        filters=filters,
        errors=errors,
        kept=kept,
        active_filters=kept,
        bureaus=bureaus,
        tab=tab,
        batch_actions=batch_actions,
        batch_events=BATCH_EVENTS,
        today=today,
        **template_helpers(),
    ), 400 if errors else 200


@bureau_only
def spot_check(case_id: int) -> Response:
    """Record a spot check from the worklist (the case page has the same form, with the case beside it)."""
    form = SpotCheckForm()
    if not form.validate_on_submit():
        errors = "；".join(error for field in form for error in field.errors)
        flash(f"抽查记录未保存：{errors}", "danger")
    else:
        try:
            check = spot_checks.record_spot_check(
                current_user,
                case_id,
                outcome=form.outcome.data,
                findings=form.findings.data or "",
                checked_on=form.checked_on.data,
                today=clock.today(),
            )
        except ServiceError as exc:
            flash(exc.message, "danger")
        else:
            flash(
                f"已记录对「{check.case.organ.name}」{check.case.level_label}{check.case.kind_label}的抽查："
                f"{check.outcome_label}（ARC-9.6）。",
                "success",
            )
    return redirect(url_for("bureau.worklist", tab="supervised"))


# --- batch actions -----------------------------------------------------------------------------------------


def _visible_cases(ids: list[int]) -> list[Case]:
    """The chosen cases the user may see, in id order; others are dropped without saying they exist."""
    if not ids:
        return []
    stmt = permissions.visible_cases(current_user).where(Case.id.in_(ids)).order_by(Case.id)
    return list(db.session.scalars(stmt).unique())


def _ids(values: list[str]) -> list[int]:
    """Case ids posted by the batch forms; anything that is no id (text, a number past the id column) is
    dropped like an id of a case the user cannot see."""
    out: list[int] = []
    for value in values:
        if value.isascii() and value.isdigit() and 0 < int(value) <= SQL_INT_MAX and int(value) not in out:
            out.append(int(value))
    return out


def _rules_of(shown: list[Case]) -> Ruleset:
    """The ruleset of the cases on a batch page: theirs when they share one (they usually do), else the one
    selected for new cases. Each case is still decided on its own ruleset when the batch is fired."""
    ids = {case.ruleset_id for case in shown}
    return load_ruleset(ids.pop()) if len(ids) == 1 else selected_ruleset()


@bureau_only
def batch(action: str) -> Response | tuple[str, int] | str:
    spec = BATCH_ACTIONS.get(action) or abort(404)
    today = clock.today()
    if request.method == "GET":
        shown = _visible_cases(_ids(request.args.getlist("case_ids")))
        form = spec.form(formdata=None, data={"case_ids": [case.id for case in shown], "notice_start": today})
    else:
        form = spec.form()
        shown = _visible_cases(_ids(request.form.getlist("shown")))
    form.case_ids.choices = choices((case.id, case.organ.name) for case in shown)
    refusals: dict[int, permissions.Decision] = {}
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        chosen = [case_id for case_id in form.case_ids.data if case_id in {case.id for case in shown}]
        extra: dict[str, Any] = {}
        if spec.event == "pass_precheck":
            extra = {"notice_start": form.notice_start.data, "opinion": form.opinion.data}
        try:
            done = cases.batch_fire(
                current_user,
                chosen,
                spec.event,
                comment=form.comment.data or "",
                today=today,
                **extra,
            )
        except BatchRefused as exc:
            refusals = exc.refusals
            status = 409
        except ServiceError as exc:  # a refusal, or input the form could not know about: beside its field
            target = getattr(form, exc.field, None) if exc.field else None
            target = target if target is not None else form.case_ids
            target.errors = [*target.errors, exc.message]
            status = exc.status
        else:
            flash(f"{spec.label}：已办理 {len(done)} 个案件。", "success")
            return redirect(url_for("bureau.worklist"))
    rules = _rules_of(shown)
    notice_end = None
    if spec.event == "pass_precheck" and form.notice_start.data:
        notice_end = calendar.notice_last_day(rules, form.notice_start.data)
    page = render_template(
        "grading/bureau/batch_confirm.html",
        spec=spec,
        form=form,
        shown=shown,
        refusals=refusals,
        forwarding_deadline=calendar.forwarding_deadline(rules, today.year),
        forwarding_rule=rules.cite(rules.citations["forwarding"]),
        notice_rule=rules.cite(rules.citations["notice_period"]),
        counts_publication_day=rules.calendar.notice_counts_publication_day,
        province_bureau=rules.documents.province_bureau,
        notice_end=notice_end,
        today=today,
        **template_helpers(),
    )
    return page, status


# --- panel formation ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewerChoice:
    user: User
    #: belongs to the applicant organ: may not sit on the panel (ARC-10.4)
    conflicted: bool


def _reviewer_choices(case: Case) -> list[ReviewerChoice]:
    stmt = (
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.REVIEWER, User.active.is_(True))
        .order_by(User.organisation_id, User.username)
        # each is shown with its organisation: read in the same statement, not one more per organisation (the
        # generated province's 287 reviewers sit in 123 organisations: 120 statements a page, 130 ms)
        .options(joinedload(User.organisation))
    )
    return [
        ReviewerChoice(user, conflicted=user.organisation_id == case.organ_id)
        for user in db.session.scalars(stmt).unique()
    ]


def _panel_rule(case: Case) -> tuple[int | None, int | None, str]:
    """(min, max, quoted rule) of the case's panel size (ARC-10.4.2–10.4.4)."""
    ruleset = load_ruleset(case.ruleset_id)
    row = assignment(ruleset, case.level, case.kind, case.tier)
    low, high = case.panel_min or row.panel[0], case.panel_max or row.panel[1]
    return low, high, ruleset.cite(row.panel_rule) if row.panel_rule else ""


@bureau_only
def panel(case_id: int, date_form: ReviewDateForm | None = None) -> Response | tuple[str, int] | str:
    today = clock.today()
    view = case_page.case_view(
        current_user, case_id, today=today
    )  # NotFound (404) for cases the user cannot see
    case = view.case
    decision = permissions.can_set_panel(current_user, case)
    candidates = _reviewer_choices(case)
    # re-shown after a refused review date: the panel form is not what was posted
    form = PanelForm(formdata=None) if date_form is not None else PanelForm()
    form.reviewers.choices = choices(
        (c.user.username, f"{c.user.display_name}（{c.user.organisation.name}）") for c in candidates
    )
    form.lead.choices = choices(
        [("", "请选择组长"), *((c.user.username, c.user.display_name) for c in candidates)]
    )
    current = sorted(case.panel, key=lambda member: (not member.is_lead, member.id))
    if request.method == "GET" or date_form is not None:
        form.reviewers.data = [member.user.username for member in current]
        form.lead.data = next((member.user.username for member in current if member.is_lead), "")
    status = 200
    if date_form is not None:
        status = 400
    elif request.method == "POST" and form.validate_on_submit():
        chosen = list(form.reviewers.data or [])
        if form.lead.data not in chosen:
            form.lead.errors = [*form.lead.errors, "组长须为所选评审专家之一。"]
        else:
            try:
                panel_service.set_panel(current_user, case.id, chosen, lead=form.lead.data, today=today)
            except Refused as exc:
                form.reviewers.errors = [*form.reviewers.errors, exc.message]
                status = exc.status
            except ServiceError as exc:
                target = getattr(form, exc.field, None) if exc.field else None
                (target or form.reviewers).errors = [*(target or form.reviewers).errors, exc.message]
                status = exc.status
            else:
                flash(
                    f"已组成评审组（{len(chosen)}人），组长：{_display_name(candidates, form.lead.data)}。",
                    "success",
                )
                return redirect(url_for("bureau.panel", case_id=case.id))
    low, high, rule = _panel_rule(case)
    page = render_template(
        "grading/bureau/panel.html",
        date_form=date_form or ReviewDateForm(formdata=None, data={"review_date": case.review_date}),
        date_range=panel_service.review_date_range(case, today),
        declaration_labels=panel_service.DECLARATION_LABELS,
        case=case,
        form=form,
        decision=decision,
        candidates=candidates,
        current=current,
        panel_min=low,
        panel_max=high,
        panel_rule=rule,
        **template_helpers(),
    )
    return page, status


@bureau_only
def review_date(case_id: int) -> Response | tuple[str, int] | str:
    """评审日期: the organizer sets the on-site review day; the members read it in their worklist."""
    form = ReviewDateForm()
    if form.validate_on_submit():
        try:
            panel_service.set_review_date(current_user, case_id, form.review_date.data, today=clock.today())
        except ServiceError as exc:
            form.review_date.errors = [*form.review_date.errors, exc.message]
        else:
            flash(
                f"评审日期已定为 {form.review_date.data.isoformat()}，评审组成员可在「评审任务」中看到。",
                "success",
            )
            return redirect(url_for("bureau.panel", case_id=case_id))
    return panel(case_id, date_form=form)


def _display_name(candidates: list[ReviewerChoice], username: str | None) -> str:
    return next((c.user.display_name for c in candidates if c.user.username == username), username or "")


# --- objections --------------------------------------------------------------------------------------------


@dataclass
class ObjectionRow:
    #: built by `objection_views`: who objected only for the organising bureau (permissions.can_see_objector)
    objection: ObjectionView
    case: Case
    form: ObjectionDecisionForm


def _open_objections(today: date) -> list[ObjectionRow]:
    """Open objections on the cases whose organizer the user may act for (GAP-9)."""
    visible_ids = permissions.visible_cases(current_user).with_only_columns(Case.id)
    stmt = (
        sa.select(Objection, Case)
        .join(Case, Case.id == Objection.case_id)
        .where(Objection.status == "open", Case.id.in_(visible_ids))
        .order_by(Objection.received_at, Objection.id)
    )
    rows: list[ObjectionRow] = []
    decided: dict[int, bool] = {}
    for objection, case in db.session.execute(stmt).all():
        if case.id not in decided:
            decided[case.id] = bool(permissions.can_handle_objection(current_user, case))
        if decided[case.id]:
            form = ObjectionDecisionForm(formdata=None, prefix=f"o{objection.id}")
            (view,) = objection_views(current_user, case, [objection])
            rows.append(ObjectionRow(view, case, form))
    return rows


@bureau_only
def objections() -> str:
    today = clock.today()
    return render_template(
        "grading/bureau/objections.html",
        rows=_open_objections(today),
        outcomes=OBJECTION_OUTCOMES,
        **template_helpers(),
    )


@bureau_only
def objection_decide(objection_id: int) -> Response | tuple[str, int]:
    today = clock.today()
    rows = _open_objections(today)
    row = next((row for row in rows if row.objection.id == objection_id), None)
    if row is None:
        abort(404)
    row.form = ObjectionDecisionForm(prefix=f"o{objection_id}")
    status = 200
    if row.form.validate_on_submit():
        try:
            objection_filing.handle_objection(
                current_user, objection_id, row.form.outcome.data, note=row.form.note.data, today=today
            )
        except ServiceError as exc:
            target = row.form.outcome if exc.field == "outcome" else row.form.note
            target.errors = [*target.errors, exc.message]
            status = exc.status
        else:
            label = OBJECTION_OUTCOMES[row.form.outcome.data]
            flash(f"异议 {row.objection.reference} 已处理：{label}。", "success")
            return redirect(url_for("bureau.objections"))
    else:
        status = 400
    page = render_template(
        "grading/bureau/objections.html", rows=rows, outcomes=OBJECTION_OUTCOMES, **template_helpers()
    )
    return page, status


# --- the city bureau's annual summary ----------------------------------------------------------------------


def _summary_year() -> int:
    """``?year=`` or this year; a year out of range is a 400 saying so, never silently this year."""
    return year_arg() or clock.today().year


#: the summary table's cells, made in Python (a city's year is some 3,700 cells: a Jinja loop per cell was half
#: the page's time); the dates, certificate number and remark in small type
_SMALL_CELLS = frozenset({"approved_on", "valid_until", "certificate_number", "remark"})
_SUMMARY_CELLS = tuple(
    (key, '<td class="text-nowrap small">' if key in _SMALL_CELLS else '<td class="text-nowrap">')
    for key, _, _ in SUMMARY_COLUMNS
)


def summary_row_cells(rows: list[dict[str, str | int]]) -> list[Markup]:
    """Each row of `annual_summary_rows` as its ``<td>`` cells, in SUMMARY_COLUMNS' order, every value escaped."""
    return [
        Markup("".join(f"{opening}{escape(row[key])}</td>" for key, opening in _SUMMARY_CELLS))
        for row in rows
    ]


#: the page's table rows, made once per change of the summary's data (`KeptByData`)
_SUMMARY_TABLES: KeptByData[Markup] = KeptByData(16)


def summary_table_rows(data: SummaryData) -> Markup:
    """The table's ``<tr>`` rows (empty when the year has no approval), kept by the data they were made of."""
    return _SUMMARY_TABLES.get(
        data,
        lambda: Markup(
            "".join(f"<tr>{cells}</tr>" for cells in summary_row_cells(annual_summary_rows(data)))
        ),
    )


@bureau_only
def annual_summary() -> str:
    year = _summary_year()
    data = summary.annual_summary(current_user, year)  # Refused (403, quoting ARC-10.5.3) for other bureaus
    today = clock.today()
    rules = selected_ruleset()
    submission = summary.submission_of(current_user.organisation_id, year)
    late = deadlines.summary_overdue(
        rules, year, submitted_on=submission.submitted_on if submission else None, today=today
    )
    return render_template(
        "grading/bureau/summary.html",
        data=data,
        year=year,
        title=summary_title(data),
        rows=summary_table_rows(data),
        due_note=summary_due_note(data),
        counts=annual_summary_counts(data),
        columns=SUMMARY_COLUMNS,
        deadline=calendar.summary_deadline(rules, year),
        overdue=late,
        submission=submission,
        late_by=deadlines.submitted_late_by(rules, year, submission.submitted_on) if submission else 0,
        submit_form=SummarySubmitForm(formdata=None, data={"year": year}),
        may_submit=submission is None and year <= today.year,
        rule=rules.cite(rules.procedure.summary_rule),
        today=today,
    )


@bureau_only
def summary_submit() -> Response:
    """报送省档案局: the city bureau submits the year's summary; it is locked from then on (ARC-10.5.3)."""
    form = SummarySubmitForm()
    if not form.validate_on_submit():
        flash("年度有误，未报送。", "danger")
        return redirect(url_for("bureau.summary"))
    try:
        submission = summary.submit_summary(current_user, form.year.data, today=clock.today())
    except ServiceError as exc:
        flash(exc.message, "danger")
    else:
        flash(
            f"{submission.year}年度审批情况汇总表已报送{selected_ruleset().documents.province_bureau}"
            f"（{submission.row_count}项），报送后不能修改。",
            "success",
        )
    return redirect(url_for("bureau.summary", year=form.year.data))


@bureau_only
def summaries_received() -> str:
    """The province's list of city summaries for a year: who submitted when, who is late (ARC-10.5.3)."""
    year = _summary_year()
    today = clock.today()
    rows = summary.received_summaries(current_user, year, today=today)
    rules = selected_ruleset()
    return render_template(
        "grading/bureau/summaries_received.html",
        rows=rows,
        year=year,
        deadline=calendar.summary_deadline(rules, year),
        rule=rules.cite(rules.procedure.summary_rule),
        today=today,
    )


@bureau_only
def summary_received_xlsx(bureau_id: int) -> Response:
    year = _summary_year()
    data = summary.received_summary(current_user, bureau_id, year)
    return _summary_xlsx_response(data, year)


def _summary_xlsx_response(data: Any, year: int) -> Response:
    from webapp.grading.documents import summary_xlsx  # openpyxl loads on first use

    filename = f"{data.city_bureau}{year}年度审批情况汇总表.xlsx"
    response = Response(
        summary_xlsx.annual_summary_xlsx(data),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response.headers["Content-Disposition"] = (
        f"attachment; filename=summary-{year}.xlsx; filename*=UTF-8''{quote(filename)}"
    )
    return response


@bureau_only
def annual_summary_xlsx() -> Response:
    year = _summary_year()
    data = summary.annual_summary(current_user, year)  # Refused (403, quoting ARC-10.5.3) for other bureaus
    return _summary_xlsx_response(data, year)
