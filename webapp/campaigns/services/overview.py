"""What the office reads about its campaigns: the list (paginated in the query) and one campaign's units with
their progress — self-assessment submitted, submitted late or missing after the day it was due (STA-4.2: late
and missing ones stay visible), the agreed sheet, claims waiting for verification — in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from webapp.campaigns.models import Campaign, CampaignClaim
from webapp.campaigns.services import campaigns, permissions, results, standing
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services.errors import NotFound

PER_PAGE = 20
UNITS_PER_PAGE = 50
#: the self-assessment's standing as the office's table shows it
SELF_LABELS = {
    "submitted": "已提交",
    "late": "逾期提交",
    "missing": "逾期未提交",
    "waiting": "未提交",
    "not_open": "未开始",
}


def office_list(user: User | None, *, state: str | None = None, page: int = 1) -> Any:
    """The office's campaigns, newest period first, paginated in the query; 403-free: nobody else has any."""
    office_id = permissions.office_id_of(user)
    stmt = sa.select(Campaign).where(Campaign.office_id == (office_id if office_id is not None else -1))
    if state:
        stmt = stmt.where(Campaign.state == state)
    stmt = stmt.order_by(Campaign.period_start.desc(), Campaign.id.desc())
    return db.paginate(stmt, page=page, per_page=PER_PAGE, error_out=False, count=True)


def load_for_office(user: User | None, campaign_id: int) -> Campaign:
    """The campaign if ``user`` is staff or head of its office; NotFound otherwise (no existence leak)."""
    campaign = campaigns.load(user, campaign_id)
    if not permissions.is_office(user, campaign):
        raise NotFound("考评活动不存在或您无权查看。")
    return campaign


@dataclass(frozen=True)
class UnitProgress:
    id: int
    organisation_id: int
    name: str
    group: str
    self_state: str
    self_total: Decimal | None
    self_submitted_on: date | None
    agreed_total: Decimal | None
    agreed_submitted: bool
    reviewers: int
    claims_pending: int
    vetoed: bool
    judged_fail: bool

    @property
    def self_label(self) -> str:
        return SELF_LABELS[self.self_state]


def _self_state(campaign: Campaign, submitted: bool, on: date | None, today: date) -> str:
    if campaign.state == "draft":
        return "not_open"
    due = campaign.self_due
    if submitted:
        return "late" if due is not None and on is not None and on > due else "submitted"
    return "missing" if due is not None and today > due else "waiting"


@dataclass(frozen=True)
class Overview:
    units: Any  #: a page of `UnitProgress` (Flask-SQLAlchemy Pagination with items replaced)
    submitted: int
    late: int
    missing: int
    agreed: int
    total: int


class _Cut(Pagination):
    """A page cut from rows already read (the navigation of Flask-SQLAlchemy's pages, without a query)."""

    def __init__(self, rows: list[Any], **kwargs: Any) -> None:
        self._rows = rows
        super().__init__(**kwargs)

    def _query_items(self) -> list[Any]:
        start = (self.page - 1) * self.per_page
        return self._rows[start : start + self.per_page]

    def _query_count(self) -> int:
        return len(self._rows)


def overview(campaign: Campaign, *, page: int = 1, today: date | None = None) -> Overview:
    """A page of the campaign's units with their progress, and the counts over all units."""
    today = today or clock.today()
    # every unit's line comes from the campaign's standing, read once per change and shared (`standing`); the
    # page is cut from it and only its units' names are read
    shared = standing.of(campaign)
    progress = shared.progress
    units = sorted(shared.units, key=lambda u: (u.group, u.position, u.id))
    pagination = _Cut(units, page=page, per_page=UNITS_PER_PAGE, error_out=False, count=True)
    names = results.names_of([unit.id for unit in pagination.items])
    rows = [(unit, names.get(unit.id, "")) for unit in pagination.items]
    ids = [unit.id for unit, _name in rows]
    pending = dict(
        db.session.execute(
            sa.select(CampaignClaim.campaign_unit_id, sa.func.count(CampaignClaim.id))
            .where(CampaignClaim.campaign_unit_id.in_(ids), CampaignClaim.status == "pending")
            .group_by(CampaignClaim.campaign_unit_id)
        ).all()
        if ids
        else []
    )
    lines = []
    for unit, name in rows:
        sheets = progress.units.get(unit.id, results.UnitSheets())
        on = clock.local(sheets.self_submitted_at).date() if sheets.self_submitted_at else None
        lines.append(
            UnitProgress(
                id=unit.id,
                organisation_id=unit.organisation_id,
                name=name,
                group=unit.group,
                self_state=_self_state(campaign, sheets.self_submitted, on, today),
                self_total=sheets.self_total if sheets.self_submitted else None,
                self_submitted_on=on,
                agreed_total=sheets.agreed_total,
                agreed_submitted=sheets.agreed_submitted,
                reviewers=len(sheets.reviewers),
                claims_pending=int(pending.get(unit.id, 0)),
                vetoed=unit.vetoed,
                judged_fail=unit.judged_fail,
            )
        )
    pagination.items = lines
    states = [
        _self_state(
            campaign,
            s.self_submitted,
            clock.local(s.self_submitted_at).date() if s.self_submitted_at else None,
            today,
        )
        for s in progress.units.values()
    ]
    return Overview(
        units=pagination,
        submitted=sum(1 for s in states if s in ("submitted", "late")),
        late=states.count("late"),
        missing=states.count("missing"),
        agreed=progress.agreed_submitted,
        total=len(progress.units),
    )
