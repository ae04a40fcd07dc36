"""What the office's views share: reading typed ids and versions, answering a refusal on the page it came from."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response

from webapp.campaigns.services.unit_audit import UNIT_AUDIT_LABELS
from webapp.core.request_args import SQL_INT_MAX
from webapp.core.services.errors import ServiceError
from workflow.campaigns import EVENT_LABELS, STATE_LABELS

#: the office's own changes as the trail shows them (the events of the procedure are EVENT_LABELS)
AUDIT_LABELS = {
    "created": "建立考评活动",
    "copied": "复制为下一期",
    "schedule_changed": "修改标题和时间安排",
    "rules_changed": "修改等次名额",
    "units_changed": "修改被考评单位",
    "team_changed": "修改考评组",
    "choices_set": "确定等次名额",
    "veto_set": "一票否决",
    "veto_lifted": "撤销一票否决",
    "fail_set": "评为不合格",
    "fail_lifted": "撤销不合格",
    "recognition_set": "记录公认度评价",
    "bulletin_saved": "填写通报",
    **UNIT_AUDIT_LABELS,  # H4: the unit's materials and claims, the sheets
}
HELPERS: dict[str, Any] = {
    "STATE_LABELS": STATE_LABELS,
    "EVENT_LABELS": EVENT_LABELS,
    "AUDIT_LABELS": AUDIT_LABELS,
}


def form_int(name: str) -> int | None:
    """A whole number typed or posted as ``name``; None when absent or not a sensible id."""
    raw = (request.form.get(name) or "").strip()
    if not raw.isdigit() or len(raw) > 19:
        return None
    value = int(raw)
    return value if 0 < value <= SQL_INT_MAX else None


def form_ints(name: str) -> list[int]:
    out: list[int] = []
    for raw in request.form.getlist(name)[:1000]:
        raw = raw.strip()
        if raw.isdigit() and len(raw) <= 19 and 0 < int(raw) <= SQL_INT_MAX:
            out.append(int(raw))
    return out


def version() -> int | None:
    return form_int("version")


def refused_back(exc: ServiceError, endpoint: str, **values: Any) -> Response:
    """A refusal of an action posted from a page: the message (quoting its rule) shown there."""
    flash(exc.message, "danger")
    return redirect(url_for(endpoint, **values))
