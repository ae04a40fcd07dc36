"""The worklist's rows of 本局待办 and 下级抽查, made in Python (issue 12).

A row of the bureau's own work shows twelve cells: the organ and its tier, the level and kind in the case's
regulation, the state, what the bureau can do next, the dates, lateness and the links. Written as template logic
that was some 60 expressions a row, 44 µs each row, half of the page's rendering (measured on the generated
province: the template 1.65 ms with its 20 rows, 0.77 without them). The table around them, its heading and the
pages stay in ``templates/grading/bureau/worklist.html``, as the moderation board keeps its table
(`webapp.campaigns.office.board_html`). Everything a person typed or a record holds is escaped; ids and years are
printed as their digits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from flask import url_for
from markupsafe import Markup, escape

from webapp.core.row_urls import int_url
from webapp.core.template_helpers import format_date, format_datetime
from webapp.grading.services.case_rows import CaseRecord
from webapp.grading.services.worklist import WorklistRow
from webapp.grading.template_helpers import case_url, overdue_badge, state_badge
from workflow.grading import EVENT_LABELS

#: the states in which the organising bureau forms or changes the review panel from the worklist (评审组)
PANEL_STATES = frozenset({"in_notice", "objection_review", "in_review"})
NO_NEXT_EVENT = Markup('<span class="text-muted">—</span>')


def act_rows(
    rows: Iterable[WorklistRow], batch_events: frozenset[str], notice_last_day: Callable[..., date | None]
) -> Markup:
    """The ``<tr>`` of each row of the bureau's own work (本局待办), in order."""
    panel_url = int_url("bureau.panel", "case_id")
    objections_url: list[str] = []  # built for the first case in objection review, if any
    made = []
    for row in rows:
        case = row.case
        organ = case.organ
        name = escape(organ.name)
        url = case_url(case.id)
        late = row.overdue
        tr = (
            f'<tr data-case-id="{case.id}" class="table-danger" data-overdue-days="{late.days}">'
            if late
            else f'<tr data-case-id="{case.id}">'
        )
        pick = (
            f'<input class="form-check-input" type="checkbox" name="case_ids" value="{case.id}"'
            f' aria-label="选择 {name}">'
            if not batch_events.isdisjoint(row.next_events)
            else ""
        )
        next_events = "".join(
            f'<span class="badge text-bg-light border me-1" data-event="{escape(event)}">'
            f"{escape(EVENT_LABELS.get(event, event))}</span>"
            for event in row.next_events
        )
        actions = ""
        if "organizer" in row.functions:
            if case.state == "objection_review":
                if not objections_url:
                    objections_url.append(url_for("bureau.objections"))
                actions += (
                    f'<a class="btn btn-sm btn-outline-danger" href="{objections_url[0]}">核实异议</a> '
                )
            if case.state in PANEL_STATES:
                actions += (
                    f'<a class="btn btn-sm btn-outline-secondary" href="{panel_url(case.id)}">评审组</a> '
                )
        made.append(
            f"{tr}<td>{pick}</td>"
            f'<td><a href="{url}">{name}</a></td>'
            f'<td class="small text-nowrap">{escape(organ.tier_label)}</td>'
            f'<td class="text-nowrap">{escape(case.level_label)}</td>'
            f"<td>{escape(case.kind_label)}</td>"
            f"<td>{state_badge(case.state)}</td>"
            f"<td>{int(case.plan_year) if case.plan_year else ''}</td>"
            f'<td class="kp-next">{next_events or NO_NEXT_EVENT}</td>'
            f'<td class="small text-nowrap">{format_date(case.applied_on)}</td>'
            f'<td class="small text-nowrap">{format_date(notice_last_day(case))}</td>'
            f'<td class="small">{overdue_badge(late)}</td>'
            f'<td class="text-end text-nowrap">{actions}<a class="btn btn-sm btn-outline-primary" href="{url}">办理</a>'
            "</td></tr>"
        )
    return Markup("\n".join(made))


def supervised_rows(cases: Iterable[CaseRecord]) -> Markup:
    """The ``<tr>`` of each case of the lower bureaus (下级抽查, ARC-9.6), in order: read-only, with the spot check
    recorded on it, if any, and the links to read it and to record one."""
    made = []
    for case in cases:
        url = case_url(case.id)
        organizer = case.organizer
        checked = (
            '<span class="badge text-bg-warning" data-testid="spot-checked">已抽查</span>'
            f'<div class="text-muted">{format_datetime(case.spot_checked_at)}</div>'
            if case.spot_check
            else "—"
        )
        made.append(
            f'<tr data-case-id="{case.id}">'
            f'<td><a href="{url}">{escape(case.organ.name)}</a></td>'
            f"<td>{escape(case.level_label)}</td>"
            f"<td>{escape(case.kind_label)}</td>"
            f"<td>{state_badge(case.state)}</td>"
            f'<td class="small">{escape(organizer.name) if organizer else ""}</td>'
            f"<td>{int(case.plan_year) if case.plan_year else ''}</td>"
            f'<td class="small">{checked}</td>'
            f'<td class="text-end text-nowrap"><a class="btn btn-sm btn-outline-primary" href="{url}">查看</a> '
            f'<a class="btn btn-sm btn-outline-warning" href="{url}#spot-check">记录抽查</a></td></tr>'
        )
    return Markup("\n".join(made))
