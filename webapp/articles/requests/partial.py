"""What the article page shows about the requests an article answers (templates/articles/article/
_requests_actions.html): the commission it answers, the urgent event it reports, the incidents naming it, and the
links to act (write a follow-up, record an incident)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_login import current_user

from webapp.articles.models import Article, Commission, CommissionTarget, Incident, UrgentEvent
from webapp.articles.requests.views import new_article_url
from webapp.articles.services import commissions, incidents, permissions
from webapp.core import clock
from webapp.core.extensions import db


@dataclass(frozen=True)
class ArticleRequests:
    target: CommissionTarget | None = None
    commission: Commission | None = None
    #: the target's status as of today (answered / late / missed / pending)
    target_status: str = ""
    event: UrgentEvent | None = None
    incidents: list[Incident] = field(default_factory=list)
    #: the unit's officer may write a follow-up (续报) on the event
    may_follow_up: bool = False
    #: the office's editor or head may record an incident naming this article
    may_record_incident: bool = False
    #: the new-article page for a follow-up on the event (None: not offered, or the page is not there)
    follow_up_url: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.commission or self.event or self.incidents or self.may_record_incident)


def article_requests(article: Article) -> ArticleRequests:
    """For the article page, which has already decided that the current user may see ``article``."""
    user = current_user
    target = commission = event = None
    if article.commission_target_id is not None:
        target = db.session.get(CommissionTarget, article.commission_target_id)
        commission = target.commission if target is not None else None
        if commission is not None and not permissions.can_see_commission(
            user, commission.office, [t.unit_id for t in commission.targets]
        ):
            target = commission = None
    if article.urgent_event_id is not None:
        event = db.session.get(UrgentEvent, article.urgent_event_id)
        if event is not None and not permissions.can_see_urgent_event(user, event.office, event.unit_id):
            event = None
    office_staff = permissions.can_record_incident(user, article.office) and article.submitted_on is not None
    may_follow_up = (
        event is not None
        and event.closed_at is None
        and permissions.can_report_urgent(user, event.unit_id, event.office_id)
    )
    return ArticleRequests(
        target=target,
        commission=commission,
        target_status=commissions.effective_status(target, clock.today()) if target is not None else "",
        event=event,
        incidents=incidents.naming(user, article_id=article.id),
        may_follow_up=may_follow_up,
        may_record_incident=office_staff,
        follow_up_url=new_article_url(urgent=event.id) if may_follow_up and event is not None else None,
    )
