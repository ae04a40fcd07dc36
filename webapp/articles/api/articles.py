"""Articles over JSON (``/api/v1/articles…``): list, write, detail, save a version, fire an event, read and compare
versions, attachments. Each view makes one service call; the same read models as the pages answer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request, send_file
from flask_login import current_user

from webapp.articles.api import article_schemas as schemas
from webapp.articles.models import INCIDENT_RULES, Article, ArticleAttachment, ArticleRevision
from webapp.articles.services import article_page, articles, attachments, permissions, revisions, unit_lists
from webapp.articles.services.adoptions import AdoptionInput
from webapp.articles.services.article_page import ArticlePage
from webapp.articles.services.revisions import Row
from webapp.core import clock
from webapp.core.api.spec import operation
from webapp.core.api.validation import expected_version_arg
from webapp.core.auth.permissions import login_required
from webapp.core.pagination import limit_arg
from webapp.core.services import uploads
from webapp.core.services.errors import InvalidInput


def register(bp: Blueprint) -> None:
    """The article URLs of the shared ``/api/v1`` blueprint (endpoint names unique across features)."""
    bp.add_url_rule("/articles", "articles_list", list_articles, methods=["GET"])
    bp.add_url_rule("/articles", "articles_create", create_article, methods=["POST"])
    bp.add_url_rule("/articles/<int:article_id>", "article_detail", get_article, methods=["GET"])
    bp.add_url_rule("/articles/<int:article_id>", "article_delete", delete_article, methods=["DELETE"])
    bp.add_url_rule("/articles/<int:article_id>/text", "article_text", save_text, methods=["PUT"])
    bp.add_url_rule("/articles/<int:article_id>/events", "article_event", fire_event, methods=["POST"])
    bp.add_url_rule(
        "/articles/<int:article_id>/revisions/<int:no>", "article_revision", get_revision, methods=["GET"]
    )
    bp.add_url_rule("/articles/<int:article_id>/compare", "article_compare", compare, methods=["GET"])
    bp.add_url_rule(
        "/articles/<int:article_id>/attachments",
        "article_attachment_upload",
        upload_attachment,
        methods=["POST"],
    )
    bp.add_url_rule(
        "/articles/<int:article_id>/attachments/<int:attachment_id>",
        "article_attachment_download",
        download_attachment,
        methods=["GET"],
    )
    bp.add_url_rule(
        "/articles/<int:article_id>/attachments/<int:attachment_id>",
        "article_attachment_delete",
        delete_attachment,
        methods=["DELETE"],
    )


# -- shapes ------------------------------------------------------------------------------------------------------


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _named(item: Any) -> dict[str, Any] | None:
    return {"id": item.id, "name": item.name} if item is not None else None


def article_summary(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "number": article.number,
        "state": article.state,
        "state_label": article.state_label,
        "kind": article.kind,
        "kind_label": article.kind_label,
        "secrecy": article.secrecy,
        "secrecy_label": article.secrecy_label,
        "title": article.title,
        "office": _named(article.office),
        "unit": _named(article.unit),
        "author": article.author.display_name,
        "revision_no": article.revision_no,
        "submitted_on": _iso(article.submitted_on),
        "updated_at": _iso(article.updated_at),
        "version": article.version_id,
    }


def revision_summary(revision: ArticleRevision) -> dict[str, Any]:
    return {
        "no": revision.no,
        "title": revision.title,
        "note": revision.note or "",
        "author": revision.author.display_name,
        "state": revision.state,
        "at": _iso(revision.at),
    }


def attachment_json(attachment: ArticleAttachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "filename": attachment.original_filename,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "content_type": attachment.content_type,
        "uploaded_by": attachment.uploaded_by.display_name if attachment.uploaded_by else None,
        "at": _iso(attachment.at),
    }


def _records(view: ArticlePage) -> dict[str, Any]:
    target, event = view.commission_target, view.urgent_event
    return {
        "adoptions": [
            {
                "id": row.adoption.id,
                "office": _named(row.adoption.office),
                "publication": _named(row.adoption.publication),
                "class_code": row.adoption.class_code,
                "form_code": row.adoption.form_code,
                "text": row.text,
                "adopted_on": _iso(row.adoption.adopted_on),
                "cancelled": row.adoption.cancelled_at is not None,
            }
            for row in view.adoptions
        ],
        "forwardings": [
            {
                "id": f.id,
                "kind": f.kind,
                "status": f.status,
                "from_office": _named(f.from_office),
                "to_office": _named(f.to_office),
                "forwarded_on": _iso(f.forwarded_on),
                "decided_on": _iso(f.decided_on),
                "decline_reason": f.decline_reason,
            }
            for f in view.forwardings
        ],
        "instructions": [
            {
                "id": i.id,
                "leader": i.leader,
                "level": i.level,
                "level_label": i.level_label,
                "text": i.text,
                "instructed_on": _iso(i.instructed_on),
                "follow_ups": [
                    {
                        "id": f.id,
                        "unit": _named(f.unit),
                        "due_on": _iso(f.due_on),
                        "request": f.request or "",
                        "report": f.report,
                        "reported_at": _iso(f.reported_at),
                    }
                    for f in i.follow_ups
                ],
            }
            for i in view.instructions
        ],
        "incidents": [
            {
                "id": i.id,
                "kind": i.kind,
                "kind_label": i.kind_label,
                "rule": INCIDENT_RULES.get(i.kind),
                "occurred_on": _iso(i.occurred_on),
                "note": i.note,
                "serious": i.serious,
                "withdrawn": i.withdrawn_at is not None,
            }
            for i in view.incidents
        ],
        "commission": None
        if target is None
        else {
            "target_id": target.id,
            "topic": target.commission.topic,
            "due_on": _iso(target.commission.due_on),
            "important": target.commission.important,
            "status": target.status,
        },
        "urgent_event": None
        if event is None
        else {
            "id": event.id,
            "title": event.title,
            "occurred_at": _iso(event.occurred_at),
            "first_due_at": _iso(event.first_due_at),
            "closed": event.closed_at is not None,
        },
    }


def article_json(view: ArticlePage) -> dict[str, Any]:
    """The detail shape of ``GET /api/v1/articles/<id>`` (`schemas.ArticleDetail`)."""
    body = article_summary(view.article)
    body.update(
        {
            "body": view.article.body or "",
            "functions": sorted(view.functions),
            "allowed_events": [a.event for a in view.allowed],
            "blocked_events": [{"event": a.event, "message": a.reason, "rule": a.rule} for a in view.blocked],
            "abilities": view.abilities,
            "revisions": [revision_summary(r) for r in view.revisions],
            "returns": [
                {
                    "id": r.id,
                    "side": r.returned_by_side,
                    "side_label": r.side_label,
                    "reason": r.reason,
                    "returned_by": r.returned_by.display_name,
                    "returned_at": _iso(r.returned_at),
                    "revision_no": r.revision_no,
                    "answer": r.answer,
                    "answered_by": r.answered_by.display_name if r.answered_by else None,
                    "answered_at": _iso(r.answered_at),
                }
                for r in view.returns
            ],
            "attachments": [attachment_json(a) for a in view.attachments],
            "records": _records(view),
            "history": [
                {
                    "seq": item.row.seq,
                    "event": item.row.event,
                    "label": item.label,
                    "from": item.row.from_state,
                    "to": item.row.to_state,
                    "actor": item.row.actor_name,
                    "organisation": item.row.actor_org_name or None,
                    "at": item.row.at.isoformat(),
                    "comment": item.row.comment,
                    "rule": item.row.rule_id,
                    "quote": item.quote or None,
                }
                for item in view.timeline
            ],
            "chain_ok": view.chain.ok,
        }
    )
    return body


def _detail(article_id: int) -> dict[str, Any]:
    return article_json(article_page.build(current_user, article_id, today=clock.today()))


def _row(row: Row) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "left": [{"text": s.text, "changed": s.changed} for s in row.left],
        "right": [{"text": s.text, "changed": s.changed} for s in row.right],
    }


# -- views -------------------------------------------------------------------------------------------------------


@login_required
@operation(
    "Articles the caller may see",
    query=schemas.ArticleQuery,
    responses={200: ("one page of articles, latest change first", schemas.ArticleList)},
)
def list_articles() -> Response:
    """GET /articles?state=&office=&unit=&q= with ``cursor=&limit=`` (keyset) or ``page=&per_page=`` (≤ 100):
    only what the caller may see."""
    filters, errors = unit_lists.parse_filters(request.args)
    if errors:
        name, message = next(iter(errors.items()))
        raise InvalidInput(message, name)
    if "cursor" in request.args or "limit" in request.args:
        limit = limit_arg(request.args, default=unit_lists.PER_PAGE, maximum=unit_lists.MAX_PER_PAGE)
        found = unit_lists.search_after(
            current_user, filters, cursor=request.args.get("cursor") or None, limit=limit
        )
        return jsonify(
            articles=[article_summary(a) for a in found.items],
            next_cursor=found.next_cursor,
            per_page=limit,
        )
    page_no, per_page = unit_lists.parse_page(request.args)
    page = unit_lists.search(current_user, filters, page=page_no, per_page=per_page)
    return jsonify(
        articles=[article_summary(a) for a in page.items],
        count=page.total,
        count_capped=page.capped,
        page=page.page,
        per_page=page.per_page,
        pages=page.pages,
    )


@login_required
@operation(
    "Write a draft (an information officer of a unit that writes to the office)",
    body=schemas.NewArticle,
    responses={
        201: ("the new draft", schemas.ArticleDetail),
        403: "not an information officer of such a unit",
    },
)
def create_article(body: schemas.NewArticle) -> tuple[Response, int]:
    office_id = body.office_id
    if office_id is None:
        offices = (
            permissions.offices_of_unit(current_user.organisation_id) if current_user.is_authenticated else []
        )
        if len(offices) > 1:
            raise InvalidInput("本单位向多个办公室报送信息，请指定 office_id。", "office_id")
        office_id = offices[0].id if offices else 0
    article = articles.create_draft(
        current_user,
        office_id=office_id,
        title=body.title,
        body=body.body,
        secrecy=body.secrecy,
        kind=body.kind,
        commission_target_id=body.commission_target_id,
        urgent_event_id=body.urgent_event_id,
        today=clock.today(),
    )
    response = jsonify(_detail(article.id))
    response.headers["Location"] = f"/api/v1/articles/{article.id}"
    return response, 201


@login_required
@operation(
    "An article with its versions, returns, records, history and the events the caller may fire",
    responses={200: ("the article", schemas.ArticleDetail), 404: "no such article, or not visible"},
)
def get_article(article_id: int) -> Response:
    return jsonify(_detail(article_id))


@login_required
@operation(
    "Delete a draft never sent (the writer's unit's officer)",
    query=schemas.VersionQuery,
    responses={204: ("deleted", None), 403: "not the caller's draft, or not a draft any more", 409: "stale"},
)
def delete_article(article_id: int) -> tuple[Response, int]:
    articles.delete_draft(current_user, article_id, expected_version=expected_version_arg())
    return Response(status=204), 204


@login_required
@operation(
    "Save the text as a new version (every version is kept)",
    body=schemas.TextUpdate,
    responses={
        200: ("the article", schemas.ArticleDetail),
        403: "the caller may not edit the text in this state",
        409: "stale: someone else changed the article since expected_version",
    },
)
def save_text(article_id: int, body: schemas.TextUpdate) -> Response:
    articles.save_text(
        current_user,
        article_id,
        title=body.title,
        body=body.body,
        note=body.note,
        secrecy=body.secrecy,
        expected_version=body.expected_version,
    )
    return jsonify(_detail(article_id))


@login_required
@operation(
    "Fire an event: submit, sign_off, leader_return, resubmit, withdraw, receive, office_return, adopt, decline",
    body=schemas.ArticleEventRequest,
    responses={
        200: ("the article after the event", schemas.ArticleDetail),
        403: "the caller holds no such function (with the rule)",
        409: "a rule refuses it now (code, Chinese message quoting the rule, rule id), or stale",
    },
)
def fire_event(article_id: int, body: schemas.ArticleEventRequest) -> Response:
    adoption = None
    if body.adoption is not None:
        adoption = AdoptionInput(
            publication_id=body.adoption.publication_id,
            class_code=body.adoption.class_code.strip(),
            form_code=body.adoption.form_code.strip(),
            adopted_on=body.adoption.adopted_on,
            note=body.adoption.note,
        )
    articles.fire(
        current_user,
        article_id,
        body.event,
        comment=body.comment or "",
        reason=body.reason,
        answer=body.answer,
        adoption=adoption,
        expected_version=body.expected_version,
        today=clock.today(),
    )
    return jsonify(_detail(article_id))


@login_required
@operation(
    "One version of the text",
    responses={200: ("the version", schemas.Revision), 404: "no such article or version, or not visible"},
)
def get_revision(article_id: int, no: int) -> Response:
    _, revision = revisions.revision(current_user, article_id, no)
    return jsonify({**revision_summary(revision), "body": revision.body})


def _revision_arg(name: str) -> int | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6 or not 1 <= int(raw) <= 100_000:
        raise InvalidInput(f"{name} 须为 1–100000 之间的稿次", name)
    return int(raw)


@login_required
@operation(
    "Two versions compared: paragraphs aligned, changed ones marked by character",
    query=schemas.CompareQuery,
    responses={
        200: ("the comparison", schemas.Comparison),
        404: "no such article or version, or not visible",
    },
)
def compare(article_id: int) -> Response:
    a, b = _revision_arg("a"), _revision_arg("b")
    article = articles.load(current_user, article_id)
    b = b if b is not None else article.revision_no
    a = a if a is not None else max(1, b - 1)
    result = revisions.compare(current_user, article_id, a, b)
    return jsonify(
        a=revision_summary(result.a),
        b=revision_summary(result.b),
        changed=result.changed,
        title=_row(result.title),
        rows=[_row(r) for r in result.rows],
    )


@login_required
@operation(
    "Attach an image or document (the unit's officer, while the unit holds the article)",
    form=schemas.ArticleUploadForm,
    responses={
        201: ("stored", schemas.ArticleAttachment),
        403: "not the caller's article, or not while it is sent",
        409: "stale",
        413: "the file is too large",
    },
)
def upload_attachment(article_id: int) -> tuple[Response, int]:
    file = request.files.get("file")
    if file is None or not file.filename:
        raise InvalidInput("请以 multipart/form-data 上传 file 字段", "file")
    attachment = attachments.add_attachment(
        current_user, article_id, file, expected_version=expected_version_arg()
    )
    return jsonify(attachment_json(attachment)), 201


@login_required
@operation(
    "Download an attachment (as a file; its type as checked at upload)",
    responses={200: ("the file", None), 404: "no such attachment, or not visible"},
)
def download_attachment(article_id: int, attachment_id: int) -> Response:
    attachment, path = attachments.attachment_file(current_user, article_id, attachment_id)
    response = send_file(path, mimetype=uploads.served_mime(attachment.content_type), as_attachment=True)
    response.headers["Content-Disposition"] = uploads.content_disposition(attachment.original_filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@operation(
    "Remove an attachment while the unit holds the article",
    query=schemas.VersionQuery,
    responses={
        204: ("removed", None),
        403: "not the caller's article, or not while it is sent",
        409: "stale",
    },
)
def delete_attachment(article_id: int, attachment_id: int) -> tuple[Response, int]:
    attachments.remove_attachment(
        current_user, article_id, attachment_id, expected_version=expected_version_arg()
    )
    return Response(status=204), 204
