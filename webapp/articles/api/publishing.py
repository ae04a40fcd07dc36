"""Issues of the office's own publications and leaders' instructions over JSON. Each view makes one service call;
refusals are the services' (``{"error", "message", "rule", "field"}``)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from flask import Blueprint, Response, jsonify, request, send_file
from flask_login import current_user

from webapp.articles.api import publishing_schemas as schemas
from webapp.articles.models import FollowUp, Instruction, IssueCorrection, IssueItem, PublicationIssue
from webapp.articles.services import instructions, issue_corrections, issue_exports, issues, permissions
from webapp.core import clock
from webapp.core.api.spec import operation
from webapp.core.api.validation import expected_version_arg
from webapp.core.auth.permissions import login_required
from webapp.core.request_args import PAGE_MAX, SQL_INT_MAX
from webapp.core.services.errors import BadQueryArg

ISSUE_ERRORS: dict[int, tuple[str, Any] | str] = {
    403: "the caller may see the issue but not do this (only the office's head locks and corrects)",
    409: "the issue is locked (the refusal quotes the rule: only a recorded correction changes it), or stale",
}


def _number_arg(name: str, low: int, high: int) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19 or not low <= int(text) <= high:
        raise BadQueryArg(f"参数 {name} 须为 {low}–{high} 之间的整数，收到的是“{raw[:20]}”。", name)
    return int(text)


def _paging() -> tuple[int, int]:
    return _number_arg("page", 1, PAGE_MAX) or 1, _number_arg("per_page", 1, 100) or issues.PER_PAGE


def _listing(page: Any) -> dict[str, Any]:
    return {"count": page.total, "page": page.page, "per_page": page.per_page, "pages": page.pages}


# -- shapes -----------------------------------------------------------------------------------------------


def issue_summary(issue: PublicationIssue, count: int) -> dict[str, Any]:
    return {
        "id": issue.id,
        "publication_id": issue.publication_id,
        "publication": issue.publication.name,
        "year": issue.year,
        "number": issue.number,
        "total": issue.total,
        "number_label": issue.number_label,
        "issued_on": issue.issued_on.isoformat(),
        "state": issue.state,
        "state_label": issue.state_label,
        "secrecy": issue.secrecy,
        "items": count,
        "version": issue.version_id,
    }


def _item(item: IssueItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "position": item.position,
        "title": item.title,
        "body": item.body,
        "source": item.source,
        "adoption_id": item.adoption_id,
        "article_id": item.adoption.article_id,
        "secrecy": item.adoption.article.secrecy,
        "withdrawn": item.withdrawn_at is not None,
    }


def _correction(correction: IssueCorrection) -> dict[str, Any]:
    return {
        "id": correction.id,
        "kind": correction.kind,
        "item_id": correction.item_id,
        "reason": correction.reason,
        "change": correction.change,
        "by": correction.by.display_name,
        "at": correction.at.isoformat(),
    }


def issue_json(issue_id: int) -> dict[str, Any]:
    issue = issues.load(current_user, issue_id)
    items = sorted(issue.items, key=lambda i: i.position)
    body = issue_summary(issue, sum(1 for i in items if i.withdrawn_at is None))
    body.update(
        {
            "editor_note": issue.editor_note,
            "distribution": issue.distribution,
            "copies": issue.copies,
            "locked_at": issue.locked_at.isoformat() if issue.locked_at else None,
            "item_list": [_item(item) for item in items],
            "corrections": [_correction(c) for c in issue.corrections],
            "may": {
                "assemble": issue.state == "assembling"
                and permissions.can_assemble_issue(current_user, issue.publication),
                "lock": permissions.can_lock_issue(current_user, issue),
                "correct": permissions.can_correct_issue(current_user, issue),
                "download": permissions.can_download_issue(current_user, issue),
            },
        }
    )
    return body


def follow_up_json(follow_up: FollowUp, visible: set[int]) -> dict[str, Any]:
    instruction = follow_up.instruction
    return {
        "id": follow_up.id,
        "instruction_id": follow_up.instruction_id,
        "unit": {"id": follow_up.unit.id, "name": follow_up.unit.name},
        "due_on": follow_up.due_on.isoformat(),
        "request": follow_up.request,
        "report": follow_up.report,
        "reported_at": follow_up.reported_at.isoformat() if follow_up.reported_at else None,
        "late": instructions.is_late(follow_up),
        "overdue": follow_up.report is None and follow_up.due_on < clock.today(),
        "leader": instruction.leader,
        "level": instruction.level,
        "instruction": instruction.text,
        "article_id": instruction.article_id,
        "article_title": instruction.article.title if instruction.article_id in visible else None,
    }


def instruction_json(instruction: Instruction) -> dict[str, Any]:
    visible = {
        instruction.article_id
    }  # the office that entered it sees the article (the list is filtered so)
    return {
        "id": instruction.id,
        "article_id": instruction.article_id,
        "article_title": instruction.article.title,
        "leader": instruction.leader,
        "level": instruction.level,
        "level_label": instruction.level_label,
        "text": instruction.text,
        "instructed_on": instruction.instructed_on.isoformat(),
        "follow_ups": [follow_up_json(f, visible) for f in instruction.follow_ups],
    }


# -- issues -----------------------------------------------------------------------------------------------


@login_required
@operation(
    "Issues of the caller's office's own publications",
    query=schemas.IssueQuery,
    responses={
        200: ("the issues, newest first", schemas.IssueList),
        404: "no such publication, or not visible",
    },
)
def list_issues() -> Response:
    page_no, per_page = _paging()
    publication_id = _number_arg("publication_id", 1, SQL_INT_MAX)
    page = issues.list_issues(current_user, publication_id, page=page_no, per_page=per_page)
    counts = issues.item_counts([issue.id for issue in page.items])
    return jsonify(issues=[issue_summary(i, counts.get(i.id, 0)) for i in page.items], **_listing(page))


@login_required
@operation(
    "Create an issue of an own publication (numbered by the issue date's year and the running total)",
    body=schemas.NewIssue,
    responses={
        201: ("the new issue", schemas.Issue),
        403: "not an editor or head of the publication's office",
        404: "no such publication, or not visible",
        409: "stale: another issue took the number meanwhile (retry)",
    },
)
def create_issue(body: schemas.NewIssue) -> tuple[Response, int]:
    issue = issues.create(
        current_user,
        body.publication_id,
        issued_on=body.issued_on,
        editor_note=body.editor_note,
        distribution=body.distribution,
        copies=body.copies,
    )
    response = jsonify(issue_json(issue.id))
    response.headers["Location"] = f"/api/v1/article-issues/{issue.id}"
    return response, 201


@login_required
@operation("An issue with its items and corrections", responses={200: ("the issue", schemas.Issue)})
def get_issue(issue_id: int) -> Response:
    return jsonify(issue_json(issue_id))


@login_required
@operation(
    "Set the issue date (within the number's year), editor's note, distribution and print run",
    body=schemas.IssueDetails,
    responses={200: ("the issue", schemas.Issue), **ISSUE_ERRORS},
)
def update_issue(issue_id: int, body: schemas.IssueDetails) -> Response:
    issues.update_details(
        current_user,
        issue_id,
        issued_on=body.issued_on,
        editor_note=body.editor_note,
        distribution=body.distribution or "",
        copies=body.copies,
        expected_version=body.expected_version,
    )
    return jsonify(issue_json(issue_id))


@login_required
@operation(
    "Adoptions of the issue's publication not yet in an issue (what may be added)",
    query=schemas.PageQuery,
    responses={200: ("the candidates, oldest adoption first", schemas.CandidateList)},
)
def list_candidates(issue_id: int) -> Response:
    page_no, per_page = _paging()
    issue = issues.load(current_user, issue_id)
    page = issues.candidates(current_user, issue, page=page_no, per_page=per_page)
    rows = [
        {
            "adoption_id": a.id,
            "article_id": a.article_id,
            "title": a.article.title,
            "unit": a.article.unit.name,
            "adopted_on": a.adopted_on.isoformat(),
            "secrecy": a.article.secrecy,
        }
        for a in page.items
    ]
    return jsonify(candidates=rows, count_capped=page.capped, **_listing(page))


@login_required
@operation(
    "Add adopted items to an issue being assembled (each copies the article's current title and text)",
    body=schemas.AddItems,
    responses={200: ("the issue", schemas.Issue), **ISSUE_ERRORS},
)
def add_items(issue_id: int, body: schemas.AddItems) -> Response:
    issues.add_items(current_user, issue_id, body.adoption_ids, expected_version=body.expected_version)
    return jsonify(issue_json(issue_id))


@login_required
@operation(
    "Put the items in a new order (every item exactly once)",
    body=schemas.Order,
    responses={200: ("the issue", schemas.Issue), **ISSUE_ERRORS},
)
def reorder(issue_id: int, body: schemas.Order) -> Response:
    issues.reorder(current_user, issue_id, body.item_ids, expected_version=body.expected_version)
    return jsonify(issue_json(issue_id))


@login_required
@operation(
    "Take an item out of an issue being assembled",
    query=schemas.VersionQuery,
    responses={200: ("the issue", schemas.Issue), **ISSUE_ERRORS},
)
def remove_item(issue_id: int, item_id: int) -> Response:
    issues.remove(current_user, issue_id, item_id, expected_version=expected_version_arg())
    return jsonify(issue_json(issue_id))


@login_required
@operation(
    "Lock the issue (定稿): from then on it changes only by a recorded correction",
    body=schemas.VersionBody,
    body_required=False,
    responses={200: ("the locked issue", schemas.Issue), **ISSUE_ERRORS},
)
def lock_issue(issue_id: int, body: schemas.VersionBody) -> Response:
    issues.lock(current_user, issue_id, expected_version=body.expected_version)
    return jsonify(issue_json(issue_id))


@login_required
@operation(
    "Record a correction (勘误) of a locked issue: an item's title/text, an item withdrawn, the editor's note",
    body=schemas.Correction,
    responses={201: ("the issue with the correction", schemas.Issue), **ISSUE_ERRORS},
)
def correct_issue(issue_id: int, body: schemas.Correction) -> tuple[Response, int]:
    issue_corrections.correct(
        current_user,
        issue_id,
        issue_corrections.CorrectionInput(
            kind=body.kind,
            reason=body.reason,
            item_id=body.item_id,
            title=body.title,
            body=body.body,
            editor_note=body.editor_note,
        ),
        expected_version=body.expected_version,
    )
    return jsonify(issue_json(issue_id)), 201


def _export(issue_id: int, fmt: str) -> Response:
    exported = issue_exports.export(current_user, issue_id, fmt)
    return send_file(
        BytesIO(exported.content),
        mimetype=exported.mimetype,
        as_attachment=True,
        download_name=exported.filename,
    )


@login_required
@operation(
    "The issue as a Word document (.docx); a draft is marked 草稿",
    responses={
        200: ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", None),
        403: "the issue holds an item the caller may not see (秘密)",
    },
)
def export_docx(issue_id: int) -> Response:
    return _export(issue_id, "docx")


@login_required
@operation(
    "The issue as a PDF; a draft is marked 草稿",
    responses={200: ("application/pdf", None), 403: "the issue holds an item the caller may not see (秘密)"},
)
def export_pdf(issue_id: int) -> Response:
    return _export(issue_id, "pdf")


# -- instructions and follow-ups --------------------------------------------------------------------------


@login_required
@operation(
    "Leaders' instructions the caller's office entered (newest first), with their follow-ups",
    query=schemas.PageQuery,
    responses={200: ("the instructions", schemas.InstructionList)},
)
def list_instructions() -> Response:
    page_no, per_page = _paging()
    page = instructions.office_instructions(current_user, page=page_no, per_page=per_page)
    return jsonify(instructions=[instruction_json(i) for i in page.items], **_listing(page))


@login_required
@operation(
    "Enter a leader's instruction (批示) on an article the caller's office adopted (INF-2.7, ZG-4.5)",
    body=schemas.NewInstruction,
    responses={
        201: ("the instruction", schemas.Instruction),
        403: "not an editor or head of an office",
        404: "no such article, or not visible",
        409: "the article is not adopted by the caller's office (the refusal quotes INF-2.7)",
    },
)
def create_instruction(body: schemas.NewInstruction) -> tuple[Response, int]:
    follow_up = None
    if body.follow_up is not None:
        follow_up = instructions.FollowUpInput(
            body.follow_up.unit_id, body.follow_up.due_on, body.follow_up.request
        )
    instruction = instructions.record(
        current_user,
        body.article_id,
        leader=body.leader,
        level=body.level,
        text=body.text,
        instructed_on=body.instructed_on,
        follow_up=follow_up,
    )
    return jsonify(instruction_json(instruction)), 201


@login_required
@operation(
    "Ask a unit for a follow-up report (落实反馈) on an instruction, by a deadline",
    body=schemas.FollowUpRequest,
    responses={201: ("the instruction with its follow-ups", schemas.Instruction)},
)
def create_follow_up(instruction_id: int, body: schemas.FollowUpRequest) -> tuple[Response, int]:
    follow_up = instructions.assign_follow_up(
        current_user, instruction_id, instructions.FollowUpInput(body.unit_id, body.due_on, body.request)
    )
    return jsonify(instruction_json(follow_up.instruction)), 201


@login_required
@operation(
    "Follow-ups asked of the caller's unit: open ones first by deadline",
    query=schemas.PageQuery,
    responses={200: ("the follow-ups", schemas.FollowUpList)},
)
def list_follow_ups() -> Response:
    page_no, per_page = _paging()
    page = instructions.unit_follow_ups(current_user, page=page_no, per_page=per_page)
    visible = instructions.visible_article_ids(current_user, [f.instruction.article_id for f in page.items])
    return jsonify(follow_ups=[follow_up_json(f, visible) for f in page.items], **_listing(page))


@login_required
@operation(
    "File the unit's report on a follow-up (after the deadline it is marked late)",
    body=schemas.ReportRequest,
    responses={
        200: ("the follow-up", schemas.FollowUp),
        403: "not the unit's information officer or leader in charge",
        409: "already reported",
    },
)
def report_follow_up(follow_up_id: int, body: schemas.ReportRequest) -> Response:
    follow_up = instructions.report(current_user, follow_up_id, body.report)
    visible = instructions.visible_article_ids(current_user, [follow_up.instruction.article_id])
    return jsonify(follow_up_json(follow_up, visible))


#: (path, method, view): every endpoint is named ``article_<view>`` (unique on the shared API blueprint)
ROUTES: tuple[tuple[str, str, Any], ...] = (
    ("/article-issues", "GET", list_issues),
    ("/article-issues", "POST", create_issue),
    ("/article-issues/<int:issue_id>", "GET", get_issue),
    ("/article-issues/<int:issue_id>", "PATCH", update_issue),
    ("/article-issues/<int:issue_id>/candidates", "GET", list_candidates),
    ("/article-issues/<int:issue_id>/items", "POST", add_items),
    ("/article-issues/<int:issue_id>/order", "PUT", reorder),
    ("/article-issues/<int:issue_id>/items/<int:item_id>", "DELETE", remove_item),
    ("/article-issues/<int:issue_id>/lock", "POST", lock_issue),
    ("/article-issues/<int:issue_id>/corrections", "POST", correct_issue),
    ("/article-issues/<int:issue_id>/export.docx", "GET", export_docx),
    ("/article-issues/<int:issue_id>/export.pdf", "GET", export_pdf),
    ("/article-instructions", "GET", list_instructions),
    ("/article-instructions", "POST", create_instruction),
    ("/article-instructions/<int:instruction_id>/follow-ups", "POST", create_follow_up),
    ("/article-follow-ups", "GET", list_follow_ups),
    ("/article-follow-ups/<int:follow_up_id>/report", "POST", report_follow_up),
)


def register(bp: Blueprint) -> None:
    """The issue and instruction URLs, on the shared ``/api/v1`` blueprint."""
    for path, method, view in ROUTES:
        bp.add_url_rule(path, view_func=view, methods=[method], endpoint=f"article_{view.__name__}")
