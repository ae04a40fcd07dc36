"""The grading procedure's JSON API: cases, their attachments and panel, organs' grades, public notices and objections."""

from __future__ import annotations

from flask import Blueprint

from webapp.grading.api import cases, notices, organs


def register_api(bp: Blueprint) -> None:
    """Every URL of grading's API, added to the shared ``/api/v1`` blueprint."""
    bp.add_url_rule("/cases", view_func=cases.list_cases, methods=["GET"])
    bp.add_url_rule("/cases", view_func=cases.create_case, methods=["POST"], endpoint="create_case")
    bp.add_url_rule("/cases/<int:case_id>", view_func=cases.get_case, methods=["GET"])
    bp.add_url_rule("/cases/<int:case_id>/events", view_func=cases.fire_event, methods=["POST"])
    bp.add_url_rule("/cases/<int:case_id>/attachments", view_func=cases.upload_attachment, methods=["POST"])
    bp.add_url_rule(
        "/cases/<int:case_id>/attachments/<int:attachment_id>",
        view_func=cases.delete_attachment,
        methods=["DELETE"],
        endpoint="delete_attachment",
    )
    bp.add_url_rule(
        "/cases/<int:case_id>/attachments/<int:attachment_id>",
        view_func=cases.replace_attachment,
        methods=["PUT"],
        endpoint="replace_attachment",
    )
    bp.add_url_rule(
        "/cases/<int:case_id>", view_func=cases.delete_case, methods=["DELETE"], endpoint="delete_case"
    )
    bp.add_url_rule("/cases/<int:case_id>/panel", view_func=cases.set_panel, methods=["PUT"])
    bp.add_url_rule("/organs/<int:organ_id>/grade", view_func=organs.organ_grade, methods=["GET"])
    bp.add_url_rule("/notices", view_func=notices.list_notices, methods=["GET"])
    bp.add_url_rule("/notices/<int:case_id>/objections", view_func=notices.submit_objection, methods=["POST"])
    bp.add_url_rule("/objections/<reference>", view_func=notices.objection_status, methods=["GET"])
