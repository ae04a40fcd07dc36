"""Commissions (约稿): the office asks chosen units for an article on a topic by a deadline (ZG-6.2, INF-3.10).
A unit answers with an article; the answer (in time, late) or the miss is recorded on the target."""

from __future__ import annotations

from datetime import date

from webapp.articles.models import Article, CommissionTarget
from webapp.core.extensions import db


def on_signed_off(article: Article, today: date) -> None:
    """Inside the sign-off's transaction: an article answering a commission marks its target answered — in time
    or late against the commission's deadline (the first answer counts)."""
    if article.commission_target_id is None:
        return
    target = db.session.get(CommissionTarget, article.commission_target_id)
    if target is None or target.status in ("answered", "late"):
        return
    target.status = "answered" if today <= target.commission.due_on else "late"
    target.answered_on = today
