"""Changes to an article's adoptions after the decision: a further adoption in another publication (INF-2.8: 同一条
信息被多处录用的，可累计计分) and withdrawing a mistaken adoption with a reason — recorded and kept, never deleted.

Each public function is one transaction and writes the article's audit row. (`adoptions.record`, which these
use, is also the ``adopt`` event's effect inside `articles.fire_checked`, so it cannot import `articles`.)
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from config.articles import load_rules
from webapp.articles.models import Adoption, Forwarding, IssueItem, Publication
from webapp.articles.services import articles, permissions
from webapp.articles.services.adoptions import AdoptionInput, describe, record
from webapp.articles.services.errors import Refused
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services.audit import append_event
from webapp.core.services.errors import Conflict, InvalidInput, NotFound
from workflow.errors import Refusal

#: 理由 for withdrawing an adoption: a few words at least, as for a return (workflow/articles/guards.py)
CANCEL_REASON_MIN, CANCEL_REASON_MAX = 4, 500
#: what the article's timeline calls the audit rows written here
EVENT_LABELS = {"adoption_added": "再次采用", "adoption_cancelled": "撤销采用记录"}


def adopt_again(user: User, article_id: int, data: AdoptionInput, *, today: date | None = None) -> Adoption:
    """INF-2.8 (同一条信息被多处录用的，可累计计分): record a further adoption of an adopted article in another of
    the receiving office's publications. The same publication twice is not 多处 and is refused."""
    today = today or clock.today()
    with articles.unit_of_work():
        article = articles.load(user, article_id, lock=True)
        if not permissions.functions_on(user, article) & permissions.OFFICE_FUNCTIONS:
            raise Refused(Refusal("forbidden", "只有收稿办公室的信息编辑和负责人可以记录采用。", "INF-2.8"))
        if not permissions.can_adopt_again(user, article):
            raise Refused(
                load_rules().refusal(
                    "not_adopted_yet",
                    "INF-2.8",
                    f"先采用稿件，再记录其他刊物的采用（当前为“{article.state_label}”）",
                )
            )
        again = db.session.scalar(
            sa.select(Publication.name)
            .join(Adoption, Adoption.publication_id == Publication.id)
            .where(
                Adoption.article_id == article.id,
                Adoption.publication_id == data.publication_id,
                Adoption.cancelled_at.is_(None),
            )
        )
        if again is not None:
            raise Conflict(f"该稿件已记录被{again}采用，同一刊物不重复记录。", field="publication_id")
        adoption = record(user, article, article.office, data, today=today)
        append_event(
            articles.SUBJECT,
            article.id,
            "adoption_added",
            actor=user,
            comment=f"再次采用：{describe(adoption)}",
            rule_id="INF-2.8",
        )
    return adoption


def cancel(user: User, adoption_id: int, *, reason: str | None) -> Adoption:
    """Withdraw a mistaken adoption: recorded (when, who, why) and kept, never deleted (PUB-5.3: 办公室负责掌握和归档
    全部采用情况). An adopted article keeps at least one adoption of its office — record the right one first;
    an adoption printed in an issue is the issue's to correct (勘误). An upper office's adoption withdrawn puts
    its forwarding back to 待上级处理."""
    text = (reason or "").strip()
    if not CANCEL_REASON_MIN <= len(text) <= CANCEL_REASON_MAX:
        raise InvalidInput(
            f"请写明撤销采用的理由（{CANCEL_REASON_MIN}至{CANCEL_REASON_MAX}字）。", field="reason"
        )
    with articles.unit_of_work():
        adoption = db.session.get(Adoption, adoption_id)
        if adoption is None:
            raise NotFound("采用记录不存在或您无权查看。")
        try:
            article = articles.load(user, adoption.article_id, lock=True)
        except NotFound:
            raise NotFound("采用记录不存在或您无权查看。") from None
        if adoption.cancelled_at is not None:
            raise Conflict("该采用记录已撤销。")
        if not permissions.can_cancel_adoption(user, adoption):
            raise Refused(
                Refusal("forbidden", "只有记录该采用的办公室的信息编辑和负责人可以撤销。", "PUB-5.3")
            )
        printed = db.session.scalar(sa.select(IssueItem.id).where(IssueItem.adoption_id == adoption.id))
        if printed is not None:
            raise Conflict("该采用已编入期刊，不能撤销；请在期刊编排中移出，已定稿的期刊须办理勘误。")
        if adoption.forwarding_id is None and article.state == "adopted":
            others = db.session.scalar(
                sa.select(sa.func.count(Adoption.id)).where(
                    Adoption.article_id == article.id,
                    Adoption.office_id == article.office_id,
                    Adoption.forwarding_id.is_(None),
                    Adoption.cancelled_at.is_(None),
                    Adoption.id != adoption.id,
                )
            )
            if not others:
                raise Conflict(
                    "这是该稿件在本办公室唯一的采用记录，撤销后已采用的稿件将没有采用记录。"
                    "请先记录正确的采用，再撤销这一条。"
                )
        words = describe(adoption)
        adoption.cancelled_at = clock.now()
        adoption.cancel_reason = text
        reopened = ""
        if adoption.forwarding_id is not None:
            forwarding = db.session.get(Forwarding, adoption.forwarding_id)
            still = db.session.scalar(
                sa.select(sa.func.count(Adoption.id)).where(
                    Adoption.forwarding_id == adoption.forwarding_id,
                    Adoption.cancelled_at.is_(None),
                    Adoption.id != adoption.id,
                )
            )
            if forwarding is not None and not still and forwarding.status == "adopted":
                forwarding.status, forwarding.decided_on, forwarding.decided_by_id = "pending", None, None
                reopened = "；上报信息恢复为待上级处理"
        append_event(
            articles.SUBJECT,
            article.id,
            "adoption_cancelled",
            actor=user,
            comment=f"撤销采用记录：{words}；理由：{text}{reopened}",
            rule_id="PUB-5.3",
        )
    return adoption
