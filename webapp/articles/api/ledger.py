"""The ledger (台账计分) over JSON: a period's results for the office, one unit's points (the office's people for any
of its units, a unit's members for their own), the unit's own reading (``/ledger/mine``) and the office head's
acts on a period — close (freeze), recompute (recorded, with the difference) and publish the bulletin.

Access as everywhere in the API: whoever may not see an office's ledger gets 404 (nothing says it exists); its
editors and readers, who see it, get 403 for the head's acts. Refusals are the services'
(``{"error", "message", "rule", "field"}``); a period that cannot be read is 400 ``invalid_input`` on ``period``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask_login import current_user

from webapp.articles.api import ledger_schemas as schemas
from webapp.articles.models import ArticleOffice, LedgerPeriod
from webapp.articles.services import ledger, ledger_units
from webapp.articles.services.ledger_units import UnitReading
from webapp.core.api.spec import operation
from webapp.core.auth.permissions import login_required
from webapp.core.request_args import id_arg, page_arg
from workflow.scoring.ledger import Period
from workflow.scoring.ledger.result import number


def register(bp: Blueprint) -> None:
    """The ledger's URLs on the shared ``/api/v1`` blueprint (endpoints prefixed ``ledger_``)."""
    rules: list[tuple[str, Any, str]] = [
        ("/ledger/periods/<period>", period_result, "GET"),
        ("/ledger/periods/<period>/units/<int:unit_id>", unit_points, "GET"),
        ("/ledger/periods/<period>/close", close_period, "POST"),
        ("/ledger/periods/<period>/recompute", recompute_period, "POST"),
        ("/ledger/periods/<period>/publish", publish_period, "POST"),
        ("/ledger/mine", mine, "GET"),
    ]
    for rule, view, method in rules:
        bp.add_url_rule(rule, endpoint=f"ledger_{view.__name__}", view_func=view, methods=[method])


# -- shapes ----------------------------------------------------------------------------------------------------


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def state_json(record: LedgerPeriod | None) -> dict[str, Any]:
    if record is None:
        return {
            "state": "open",
            "closed_at": None,
            "published_at": None,
            "version": None,
            "bulletin_number": None,
            "bulletin_title": None,
        }
    published = record.state == "published"
    return {
        "state": record.state,
        "closed_at": _moment(record.closed_at),
        "published_at": _moment(record.published_at),
        "version": record.version_id,
        "bulletin_number": record.bulletin_number if published else None,
        "bulletin_title": record.bulletin_title if published else None,
    }


def result_json(result: dict[str, Any], record: LedgerPeriod | None) -> dict[str, Any]:
    return {**result, **state_json(record)}


def reading_json(office: ArticleOffice, period: Period, found: UnitReading) -> dict[str, Any]:
    standing = found.standing
    return {
        **state_json(found.view.record),
        "office": {"id": office.id, "name": office.name},
        "period": period.label,
        "period_text": period.chinese,
        "currency": found.currency,
        "unit_id": found.unit_id,
        "unit_name": found.unit_name,
        "unit": found.unit,
        "standing": None
        if standing is None
        else {
            "rank": standing.rank,
            "of": standing.of,
            "pool": standing.pool,
            "rule": standing.rule,
            "zero_submission": standing.zero_submission,
            "last_place": standing.last_place,
        },
        "quotas": [
            {
                "quota": q.name,
                "rule": q.rule,
                "quote": q.quote,
                "period": q.period,
                "period_text": q.period_text,
                "categories": [
                    {
                        "name": c.name,
                        "required": c.required,
                        "done": c.done,
                        "credited": c.credited,
                        "missing": c.missing,
                    }
                    for c in q.categories
                ],  # fmt: skip
                "missing": q.missing,
                "deduct_rule": q.deduct_rule,
                "deduct": number(q.deduct) if q.deduct is not None else None,
            }
            for q in found.quotas
        ],
        "deadline": {
            "day": found.deadline.day.isoformat(),
            "days_left": found.deadline.days_left,
            "passed": found.deadline.passed,
            "rule": found.deadline.rule,
            "text": found.deadline.text,
            "quote": found.deadline.quote,
        },
        "articles": [
            {
                "article_id": a.article_id,
                "title": a.title,
                "month": a.month,
                "moved": a.moved,
                "points": number(a.points),
                "explanation": a.explanation,
                "adoptions": [
                    {"publication": n.publication, "klass": n.klass, "form": n.form, "day": n.day.isoformat()}
                    for n in a.adoptions
                ],
            }
            for a in found.articles
        ],
        "articles_count": found.articles_total,
        "page": found.page,
        "pages": found.pages,
        "per_page": found.per_page,
        "months": [{"month": m.month, "label": m.label, "points": number(m.points)} for m in found.months],
        "ranking": found.ranking,
        "notes": found.notes,
    }


# -- reading ---------------------------------------------------------------------------------------------------

_READ_ERRORS: dict[int, tuple[str, Any] | str] = {
    400: "the period cannot be read (field period, Chinese message)",
    404: "not the caller's office's ledger, or the caller may not see it",
    409: "the office has no ledger scheme, or its records cannot be scored (ledger_unavailable)",
}


@login_required
@operation(
    "A period's results at the caller's office: every unit's points, lines, quotas, rank and flags, 零报送 and "
    "last place, the advanced-unit proposal; frozen once closed (office editors, head and readers)",
    responses={200: ("the result and the period's state", schemas.LedgerPeriodResult), **_READ_ERRORS},
)
def period_result(period: str) -> Response:
    office = ledger_units.office_for_reader(current_user)
    found = ledger.view(office, ledger.period_from(period))
    return jsonify(result_json(found.result, found.record))


@login_required
@operation(
    "One unit's points for a period with its quota progress, the cut-off day (ZG-6.6), its rank and its articles "
    "with their points: the office's people for any of its units, a unit's members for their own",
    query=schemas.LedgerUnitQuery,
    responses={200: ("the unit's reading", schemas.LedgerUnitReading), **_READ_ERRORS},
)
def unit_points(period: str, unit_id: int) -> Response:
    office = ledger_units.office_for_unit(current_user, unit_id, id_arg("office"))
    scored = ledger.period_from(period)
    found = ledger_units.reading(current_user, office, scored, unit_id, page=page_arg())
    return jsonify(reading_json(office, scored, found))


@login_required
@operation(
    "The caller's unit's own points at one of its offices (default: the first) for a period (default: the "
    "office's current one); other units' ranking only once the bulletin is published",
    query=schemas.LedgerMineQuery,
    responses={200: ("the unit's reading", schemas.LedgerUnitReading), **_READ_ERRORS},
)
def mine() -> Response:
    office, _ = ledger_units.member_office(current_user, id_arg("office"))
    scored = ledger_units.period_or_current(office, request.args.get("period"))
    found = ledger_units.reading(current_user, office, scored, current_user.organisation_id, page=page_arg())
    return jsonify(reading_json(office, scored, found))


# -- the office head's acts ------------------------------------------------------------------------------------

_ACT_ERRORS: dict[int, tuple[str, Any] | str] = {
    400: "the period cannot be read or is not ready (field names it, Chinese message)",
    403: "an editor or reader of the office: only its head acts on a period",
    404: "not the caller's office's ledger, or the caller may not see it",
    409: "already done by someone else (已被他人处理，请刷新), stale version, or no ledger scheme",
}


@login_required
@operation(
    "Close a period that is over: its results are frozen from now on (office head)",
    responses={200: ("the frozen result", schemas.LedgerPeriodResult), **_ACT_ERRORS},
)
def close_period(period: str) -> Response:
    office = ledger_units.office_for_head(current_user)
    record = ledger.close(current_user, office, ledger.period_from(period))
    return jsonify(result_json(record.result, record))


@login_required
@operation(
    "Replace a closed period's result by a fresh one after a late correction: a recorded act with its reason and "
    "the difference per unit; needs the version read (office head)",
    body=schemas.LedgerRecomputeRequest,
    responses={200: ("the recorded recompute and the new result", schemas.LedgerRecomputeOut), **_ACT_ERRORS},
)
def recompute_period(period: str, body: schemas.LedgerRecomputeRequest) -> Response:
    office = ledger_units.office_for_head(current_user)
    entry = ledger.recompute(
        current_user, office, ledger.period_from(period), body.reason, version=body.version
    )
    return jsonify(
        id=entry.id,
        reason=entry.reason,
        at=_moment(entry.at),
        changes=entry.changes,
        result=result_json(entry.period.result, entry.period),
    )


@login_required
@operation(
    "Publish the bulletin (通报) of a closed period: its number, title and the office's paragraph (office head)",
    body=schemas.LedgerPublishRequest,
    responses={200: ("the published result", schemas.LedgerPeriodResult), **_ACT_ERRORS},
)
def publish_period(period: str, body: schemas.LedgerPublishRequest) -> Response:
    office = ledger_units.office_for_head(current_user)
    record = ledger.publish(current_user, office, ledger.period_from(period), body.model_dump())
    return jsonify(result_json(record.result, record))
