"""What the commission, urgent-report and incident pages share: who is asking (the office's staff or a unit's
members), links into the unit's article pages, a service refusal shown beside its form field, the trail.

The pages themselves are in `commission_views`, `urgent_views` and `incident_views`; each view parses the request
and calls one service.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import flash, request, url_for
from flask_login import current_user

from config.articles import load_rules
from webapp.articles.models import Article, ArticleOffice
from webapp.articles.services import permissions
from webapp.core.auth.permissions import roles_required
from webapp.core.models import Role, User
from webapp.core.services.audit import trail_of
from webapp.core.services.errors import ServiceError

#: Every page here is for the people of the article procedure who act (deny by default); the services decide
#: the rest (which office, which unit, which record).
requests_roles = roles_required(Role.INFO_OFFICER, Role.INFO_SIGNER, Role.OFFICE_EDITOR, Role.OFFICE_HEAD)

#: What the trails of these records call each event.
TRAIL_LABELS = {
    "commission_created": "发起约稿",
    "commission_cancelled": "取消约稿",
    "target_answered": "单位报送",
    "targets_missed": "逾期未报送",
    "registered": "登记事件",
    "report_arrived": "报告送达",
    "closed": "结束报送",
    "late_not_recorded": "不认定迟报",
    "recorded": "记录情况",
    "withdrawn": "撤销记录",
}


@dataclass(frozen=True)
class Side:
    """Whom a page is for: the office's editors and head, or a unit's officers and leader (a person who is both
    switches with ``?as=unit`` / ``?as=office``)."""

    office: ArticleOffice | None
    unit: bool
    name: str

    @property
    def is_office(self) -> bool:
        return self.name == "office"

    @property
    def both(self) -> bool:
        return self.office is not None and self.unit


def side_of(user: User) -> Side:
    office = permissions.office_of(user)
    if office is not None and not permissions.can_work_at_office(user, office):
        office = None
    unit = permissions.is_unit_member_of(user, user.organisation_id)
    asked = request.args.get("as")
    name = "office" if office is not None and (asked != "unit" or not unit) else "unit"
    return Side(office, unit, name)


def current_side() -> Side:
    return side_of(current_user)


def _url(endpoint: str, **values: Any) -> str:
    return url_for(endpoint, **values)


def article_url(article: Article) -> str | None:
    """The article page."""
    return _url("articles.view", article_id=article.id)


def new_article_url(**query: int) -> str | None:
    """The new-article page answering a commission target (``commission=``) or reporting an urgent event
    (``urgent=``)."""
    return _url("articles.new", **query)


def rule_text(rule: str | None, detail: str | None = None) -> str:
    """「依据《…》…：… · ZG-6.2」 for a rule of the article procedure, empty for none."""
    if not rule:
        return ""
    try:
        return load_rules().cite(rule, detail)
    except KeyError:
        return rule


def put_error(form: Any, exc: ServiceError, default: str, aliases: dict[str, str] | None = None) -> None:
    """Show a refusal beside the field it names (or ``default``), keeping what was typed; a refusal about the
    record's state (409, no field: e.g. already cancelled) goes above the page, where it is read."""
    if exc.field is None and exc.status == 409:
        flash(exc.message, "danger")
        return
    name = (aliases or {}).get(exc.field or "", exc.field or "")
    field = getattr(form, name, None) if name else None
    if field is None or not hasattr(field, "errors"):
        field = getattr(form, default)
    field.errors = [*(field.errors or []), exc.message]


def trail(subject: str, subject_id: int) -> list[Any]:
    return trail_of(subject, subject_id)


def countdown(seconds: int | None) -> str:
    """「剩余 1小时05分」 or 「已超时 12分」 (the page's ticker rewrites it every second)."""
    if seconds is None:
        return "—"
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    text = (f"{days}天" if days else "") + (f"{hours}小时" if hours or days else "") + f"{mins:02d}分"
    return f"剩余 {text}" if seconds >= 0 else f"已超时 {text}"


def template_helpers() -> dict[str, Any]:
    return {
        "countdown": countdown,
        "article_url": article_url,
        "new_article_url": new_article_url,
        "trail_labels": TRAIL_LABELS,
        "request_rule": rule_text,
    }
