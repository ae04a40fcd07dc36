"""The office's JSON API: the intake queue and what lower offices passed up, an article's possible duplicates,
search, further adoptions (INF-2.8) and withdrawing one, forwarding (INF-2.5/2.6) and the upper office's
decision, the office's settings. The triage decisions themselves (receive, return, adopt, decline) are the
article's events: ``POST /articles/{id}/events``. Each view makes one service call."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask_login import current_user

from webapp.articles.api import office_schemas as schemas
from webapp.articles.models import (
    FORWARD_STATUS_LABELS,
    Adoption,
    Article,
    ArticleOffice,
    Forwarding,
    Publication,
    VocabularyTerm,
)
from webapp.articles.services import (
    adoption_changes,
    adoptions,
    duplicates,
    forwarding,
    intake,
    office_settings,
    search,
)
from webapp.articles.services.adoptions import AdoptionInput
from webapp.articles.services.duplicates import Duplicate
from webapp.articles.services.forwarding import FORWARD_RULES
from webapp.core import clock
from webapp.core.api.spec import operation
from webapp.core.auth.permissions import login_required
from webapp.core.extensions import db
from webapp.core.services.errors import NotFound


def register(bp: Blueprint) -> None:
    """The office's URLs on the shared ``/api/v1`` blueprint (endpoints prefixed ``office_``)."""
    rules: list[tuple[str, Any, str]] = [
        ("/office/articles", intake_list, "GET"),
        ("/office/articles/search", search_articles, "GET"),
        ("/office/forwardings", forwarded_list, "GET"),
        ("/office/forwardings/<int:forwarding_id>/adopt", adopt_forwarded, "POST"),
        ("/office/forwardings/<int:forwarding_id>/decline", decline_forwarded, "POST"),
        ("/articles/<int:article_id>/duplicates", article_duplicates, "GET"),
        ("/articles/<int:article_id>/adoptions", add_adoption, "POST"),
        ("/articles/<int:article_id>/adoptions/<int:adoption_id>/cancel", cancel_adoption, "POST"),
        ("/articles/<int:article_id>/forwardings", forward_article, "POST"),
        ("/office/settings", get_settings, "GET"),
        ("/office/publications", add_publication, "POST"),
        ("/office/publications/<int:publication_id>", change_publication, "PATCH"),
        ("/office/terms", add_term, "POST"),
        ("/office/terms/<int:term_id>", change_term, "PATCH"),
        ("/office/units", add_unit, "POST"),
        ("/office/units/<int:office_unit_id>", change_unit, "PATCH"),
        ("/office/timers", set_timers, "PUT"),
    ]
    for rule, view, method in rules:
        bp.add_url_rule(rule, endpoint=f"office_{view.__name__}", view_func=view, methods=[method])


# -- shapes ----------------------------------------------------------------------------------------------------


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _named(thing: Any) -> dict[str, Any] | None:
    return {"id": thing.id, "name": thing.name} if thing is not None else None


def article_row(article: Article | intake.ArticleRecord) -> dict[str, Any]:
    return {
        "id": article.id,
        "number": article.number,
        "title": article.title,
        "kind": article.kind,
        "secrecy": article.secrecy,
        "state": article.state,
        "state_label": article.state_label,
        "unit": _named(article.unit),
        "submitted_on": _day(article.submitted_on),
        "submitted_at": _moment(article.submitted_at),
        "version": article.version_id,
    }


def _pages(page: Any) -> dict[str, int]:
    return {"count": page.total or 0, "page": page.page, "per_page": page.per_page, "pages": page.pages}


def forwarding_json(passed: Forwarding) -> dict[str, Any]:
    return {
        "id": passed.id,
        "article_id": passed.article_id,
        "kind": passed.kind,
        "status": passed.status,
        "status_label": FORWARD_STATUS_LABELS.get(passed.status, passed.status),
        "from_office": _named(passed.from_office),
        "to_office": _named(passed.to_office),
        "note": passed.note or "",
        "forwarded_on": _day(passed.forwarded_on),
        "decided_on": _day(passed.decided_on),
        "decline_reason": passed.decline_reason,
        "rule": FORWARD_RULES.get(passed.kind, "INF-2.5"),
    }


def adoption_json(adoption: Adoption) -> dict[str, Any]:
    return {
        "id": adoption.id,
        "article_id": adoption.article_id,
        "office": _named(adoption.office),
        "publication": _named(adoption.publication),
        "class_code": adoption.class_code,
        "form_code": adoption.form_code,
        "adopted_on": _day(adoption.adopted_on),
        "forwarding_id": adoption.forwarding_id,
        "credited_unit": _named(adoption.article.unit),
        "note": adoption.note or "",
        "description": adoptions.describe(adoption),
        "cancelled": adoption.cancelled_at is not None,
        "cancel_reason": adoption.cancel_reason,
    }


def duplicate_json(found: Duplicate) -> dict[str, Any]:
    return {
        "article_id": found.article_id,
        "number": found.number,
        "title": found.title,
        "unit": {"id": found.unit_id, "name": found.unit_name},
        "state": found.state,
        "secrecy": found.secrecy,
        "submitted_on": _day(found.submitted_on),
        "jaccard": round(found.similarity.jaccard, 3),
        "containment": round(found.similarity.containment, 3),
        "percent": found.similarity.percent,
        "kind": "near_identical" if found.kind_label == "近乎相同" else "large_overlap",
        "same_unit": found.same_unit,
        "earlier": found.earlier,
    }


def _adoption_input(body: schemas.AdoptionRequest) -> AdoptionInput:
    return AdoptionInput(body.publication_id, body.class_code, body.form_code, body.adopted_on, body.note)


def _page_args() -> tuple[int, int]:
    return search.parse_page(request.args)


# -- intake, duplicates, search --------------------------------------------------------------------------------


@login_required
@operation(
    "The office's intake queue: submitted and received articles, urgent first then oldest",
    query=schemas.IntakeQuery,
    responses={
        200: ("one page of the queue, counts per state", schemas.IntakeList),
        403: "not an office's editor",
    },
)
def intake_list() -> Response:
    state = request.args.get("state") or None
    if state is not None and state not in intake.QUEUE_STATES:
        raise search.SearchError({"state": "状态只能是已报送（submitted）或编辑中（received）。"})
    page_no, per_page = _page_args()
    found = intake.intake(current_user, state=state, page=page_no, per_page=per_page)
    return jsonify(
        articles=[article_row(a) for a in found.page.items], counts=found.counts, **_pages(found.page)
    )


@login_required
@operation(
    "Articles lower offices passed up to the caller's office, not yet decided (INF-2.5)",
    query=schemas.PageQuery,
    responses={200: ("one page", schemas.ForwardedList), 403: "not an office's editor"},
)
def forwarded_list() -> Response:
    page_no, per_page = _page_args()
    office = intake.office_for(current_user)
    page = intake.forwarded_to(current_user, office, page=page_no, per_page=per_page)
    rows = [{**forwarding_json(f), "article": article_row(f.article)} for f in page.items]
    return jsonify(forwardings=rows, **_pages(page))


@login_required
@operation(
    "Possible duplicates of an article: near-identical texts the caller may see, last 12 months",
    query=schemas.PageQuery,
    responses={200: ("most similar first", schemas.DuplicateList), 403: "the caller does not decide on it"},
)
def article_duplicates(article_id: int) -> Response:
    page_no, per_page = _page_args()
    _, found = duplicates.for_article(current_user, article_id, page=page_no, per_page=per_page)
    return jsonify(
        duplicates=[duplicate_json(d) for d in found.items],
        count=found.total,
        page=found.page,
        per_page=found.per_page,
        pages=found.pages,
    )


@login_required
@operation(
    "Search the articles the caller may see: keyword (title and text), unit, state, publication, dates",
    query=schemas.SearchQuery,
    responses={200: ("newest first", schemas.SearchList), 400: "a bad filter (field names it)"},
)
def search_articles() -> Response:
    filters, errors = search.parse_filters(request.args)
    if errors:
        raise search.SearchError(errors)
    page_no, per_page = _page_args()
    page = search.search(current_user, filters, page=page_no, per_page=per_page)
    rows = [{**article_row(a), "snippet": search.snippet(a, filters.terms)} for a in page.items]
    return jsonify(articles=rows, count_capped=page.capped, **_pages(page))


# -- adoptions and forwarding ----------------------------------------------------------------------------------


@login_required
@operation(
    "Record a further adoption of an adopted article in another publication (INF-2.8)",
    body=schemas.AdoptionRequest,
    responses={
        201: ("the adoption", schemas.AdoptionOut),
        403: "not the receiving office's editor",
        409: "not adopted yet (with the rule), or already adopted in that publication",
    },
)
def add_adoption(article_id: int, body: schemas.AdoptionRequest) -> tuple[Response, int]:
    adoption = adoption_changes.adopt_again(current_user, article_id, _adoption_input(body))
    return jsonify(adoption_json(adoption)), 201


@login_required
@operation(
    "Withdraw a mistaken adoption with a reason (recorded, never deleted)",
    body=schemas.ReasonRequest,
    responses={
        200: ("the adoption, withdrawn", schemas.AdoptionOut),
        403: "not the recording office's editor",
        409: "already withdrawn, printed in an issue, or the article's only adoption",
    },
)
def cancel_adoption(article_id: int, adoption_id: int, body: schemas.ReasonRequest) -> Response:
    adoption = db.session.get(Adoption, adoption_id)
    if adoption is None or adoption.article_id != article_id:
        raise NotFound("采用记录不存在或您无权查看。")
    done = adoption_changes.cancel(current_user, adoption_id, reason=body.reason)
    return jsonify(adoption_json(done))


@login_required
@operation(
    "Forward an article up to the parent office (上报, INF-2.5) or to the leaders (转送, INF-2.6)",
    body=schemas.ForwardRequest,
    responses={
        201: ("the forwarding", schemas.ForwardingOut),
        403: "not the receiving office's editor",
        409: "not received or adopted, no parent office, or already forwarded (with the rule)",
    },
)
def forward_article(article_id: int, body: schemas.ForwardRequest) -> tuple[Response, int]:
    done = forwarding.forward(current_user, article_id, body.kind, note=body.note, today=clock.today())
    return jsonify(forwarding_json(done)), 201


@login_required
@operation(
    "The upper office adopts a forwarded article into its publication; credit to the authoring unit (INF-2.5)",
    body=schemas.AdoptionRequest,
    responses={
        200: ("the forwarding and the adoption", schemas.ForwardingDecision),
        403: "not an editor of the office it was forwarded to",
        409: "already decided, or stale",
    },
)
def adopt_forwarded(forwarding_id: int, body: schemas.AdoptionRequest) -> Response:
    done = forwarding.adopt(current_user, forwarding_id, _adoption_input(body))
    adoption = next((a for a in _adoptions_of(done) if a.cancelled_at is None), None)
    return jsonify({**forwarding_json(done), "adoption": adoption_json(adoption) if adoption else None})


@login_required
@operation(
    "The upper office declines a forwarded article with a reason (INF-2.5)",
    body=schemas.ReasonRequest,
    responses={
        200: ("the forwarding", schemas.ForwardingDecision),
        403: "not an editor of the office it was forwarded to",
        409: "already decided, or stale",
    },
)
def decline_forwarded(forwarding_id: int, body: schemas.ReasonRequest) -> Response:
    done = forwarding.decline(current_user, forwarding_id, reason=body.reason)
    return jsonify({**forwarding_json(done), "adoption": None})


def _adoptions_of(passed: Forwarding) -> list[Adoption]:
    return list(
        db.session.scalars(
            db.select(Adoption).where(Adoption.forwarding_id == passed.id).order_by(Adoption.id.desc())
        )
    )


# -- settings --------------------------------------------------------------------------------------------------


def _office_json(office: ArticleOffice) -> dict[str, Any]:
    return {
        "id": office.id,
        "name": office.name,
        "label": office.label,
        "scheme_id": office.scheme_id,
        "parent": _named(office.parent),
        "first_report_minutes": office.first_report_minutes,
        "followup_minutes": office.followup_minutes,
        "commission_warning_days": office.commission_warning_days,
    }


def _publication_json(publication: Publication) -> dict[str, Any]:
    return {
        "id": publication.id,
        "code": publication.code,
        "name": publication.name,
        "own": publication.own,
        "active": publication.active,
        "position": publication.position,
    }


def _term_json(term: VocabularyTerm) -> dict[str, Any]:
    return {
        "id": term.id,
        "kind": term.kind,
        "code": term.code,
        "name": term.name,
        "active": term.active,
        "position": term.position,
    }


def _unit_json(row: Any) -> dict[str, Any]:
    return {"id": row.id, "unit": _named(row.unit), "group": row.group_code or "", "active": row.active}


@login_required
@operation(
    "The office's settings: publications, classes and forms, units (paginated), timers (信息科负责人)",
    query=schemas.PageQuery,
    responses={200: ("the settings", schemas.SettingsOut), 403: "not the office's head"},
)
def get_settings() -> Response:
    page_no, _ = _page_args()
    found = office_settings.settings(current_user, units_page=page_no)
    return jsonify(
        office=_office_json(found.office),
        publications=[_publication_json(p) for p in found.publications],
        terms=[_term_json(t) for terms in found.terms.values() for t in terms],
        groups=[{"code": code, "name": name} for code, name in found.groups],
        units=[_unit_json(row) for row in found.units.items],
        units_count=found.units.total or 0,
        units_page=found.units.page,
        units_pages=found.units.pages,
    )


_SETTING_ERRORS = {403: "not the office's head", 409: "the code is taken (codes never change)"}


@login_required
@operation(
    "Add a publication", body=schemas.NewPublication,
    responses={201: ("the publication", schemas.PublicationOut), **_SETTING_ERRORS},
)  # fmt: skip
def add_publication(body: schemas.NewPublication) -> tuple[Response, int]:
    done = office_settings.add_publication(
        current_user, name=body.name, code=body.code, own=body.own, position=body.position
    )
    return jsonify(_publication_json(done)), 201


@login_required
@operation(
    "Rename, reorder, (de)activate a publication; its code stays", body=schemas.PublicationChange,
    responses={200: ("the publication", schemas.PublicationOut), 403: "not the office's head"},
)  # fmt: skip
def change_publication(publication_id: int, body: schemas.PublicationChange) -> Response:
    done = office_settings.update_publication(
        current_user, publication_id, name=body.name, own=body.own, active=body.active, position=body.position
    )
    return jsonify(_publication_json(done))


@login_required
@operation(
    "Add a class (信息类别) or form (采用形式)", body=schemas.NewTerm,
    responses={201: ("the term", schemas.TermOut), **_SETTING_ERRORS},
)  # fmt: skip
def add_term(body: schemas.NewTerm) -> tuple[Response, int]:
    done = office_settings.add_term(
        current_user, body.kind, code=body.code, name=body.name, position=body.position
    )
    return jsonify(_term_json(done)), 201


@login_required
@operation(
    "Rename, reorder, (de)activate a class or form; its code stays", body=schemas.TermChange,
    responses={200: ("the term", schemas.TermOut), 403: "not the office's head"},
)  # fmt: skip
def change_term(term_id: int, body: schemas.TermChange) -> Response:
    done = office_settings.update_term(
        current_user, term_id, name=body.name, active=body.active, position=body.position
    )
    return jsonify(_term_json(done))


@login_required
@operation(
    "Add a unit that writes to the office, in a group", body=schemas.NewUnit,
    responses={201: ("the unit", schemas.UnitOut), 403: "not the office's head", 409: "already a unit"},
)  # fmt: skip
def add_unit(body: schemas.NewUnit) -> tuple[Response, int]:
    done = office_settings.add_unit(current_user, organisation=body.organisation, group=body.group)
    return jsonify(_unit_json(done)), 201


@login_required
@operation(
    "Change a unit's group or whether it writes to the office", body=schemas.UnitChange,
    responses={200: ("the unit", schemas.UnitOut), 403: "not the office's head"},
)  # fmt: skip
def change_unit(office_unit_id: int, body: schemas.UnitChange) -> Response:
    done = office_settings.update_unit(current_user, office_unit_id, group=body.group, active=body.active)
    return jsonify(_unit_json(done))


@login_required
@operation(
    "Set the urgent-report timers (首报时限, 续报间隔) and the commission warning days", body=schemas.Timers,
    responses={200: ("the office", schemas.OfficeOut), 403: "not the office's head"},
)  # fmt: skip
def set_timers(body: schemas.Timers) -> Response:
    office = office_settings.set_timers(
        current_user,
        first_report_minutes=body.first_report_minutes,
        followup_minutes=body.followup_minutes,
        commission_warning_days=body.commission_warning_days,
    )
    return jsonify(_office_json(office))
