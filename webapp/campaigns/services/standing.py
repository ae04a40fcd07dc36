"""A campaign's standing: its units, their sheets' progress and the live ranking, read once per change of any of
them and shared by the pages that show them (issue 12: the moderation page of a 400-unit campaign read its 400
units and 1,600 sheets and ranked them on every view, ~15 ms of a 31 ms page).

What moves when something the standing reads changes:

- ``Campaign.standing_revision`` (`STANDING`), raised at the commit of any change to the campaign's units or to
  their score sheets, as the ledger's records revision is (`webapp.core.services.revisions`). It is raised with
  a plain UPDATE, so ``version_id`` stays: a unit saving its sheet does not make the office's open form stale.
  A rolled-back transaction raises nothing.
- ``Campaign.version_id``, which moves with the campaign's own row (its rules, the office's counts, its state).

Both are on the campaign's row, which every page loads first: the key costs no statement, and what is read
after it is at least as new as the key (the revision is raised in the transaction that changes the rows).

Only a GET reads or fills the shared copy (a GET changes nothing); an act computes from its own session (`of`
with a request that is not a GET, or outside a request). The standing is shared: callers read it, never change
it. Names are not in it (an organisation may be renamed without the campaign knowing): pages read the names of
the units they show.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import Session

from webapp.campaigns.models import Campaign, CampaignUnit
from webapp.campaigns.services import results
from webapp.core.extensions import db
from webapp.core.services.kept import Kept
from webapp.core.services.revisions import Noticed, Revision
from webapp.scoring.models import ScoreSheet
from workflow.campaigns.ranking import CampaignRanking, QuotaRefused

#: standings kept per process (an office moderates a few campaigns at a time)
KEPT = 32
#: values derived from one standing (pages of the board: a campaign has at most six)
DERIVED_KEPT = 16
T = TypeVar("T")
_lock = threading.Lock()


@dataclass(frozen=True)
class UnitRow:
    """One unit of the campaign as the standing holds it (plain values, no session)."""

    id: int
    organisation_id: int
    group: str
    position: int
    vetoed: bool
    veto_reason: str
    judged_fail: bool
    fail_reason: str
    recognition: Decimal | None


@dataclass(frozen=True)
class Standing:
    #: the campaign's units in its order (position, then id)
    units: tuple[Any, ...]
    progress: results.Progress
    rules: dict[str, Any] = field(repr=False, compare=False)
    choices: dict[str, dict[str, int]] = field(repr=False, compare=False)
    #: what pages derive from the standing alone (a page of the board's per-item scores), kept with it
    _derived: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def derived(self, key: Any, build: Callable[[], T]) -> T:
        """``build()`` once per ``key`` for this standing (at most `DERIVED_KEPT` kept): for values made only
        of what the standing's key covers — the campaign's row, its units and their sheets."""
        with _lock:
            if key in self._derived:
                found: T = self._derived[key]
                return found
        value = build()
        with _lock:
            if len(self._derived) < DERIVED_KEPT:
                self._derived[key] = value
        return value

    @cached_property
    def _ranked(self) -> tuple[CampaignRanking | None, QuotaRefused | None]:
        try:
            return results.rank(self.units, self.progress, self.rules, self.choices), None
        except QuotaRefused as exc:
            return None, exc

    @property
    def refusal(self) -> QuotaRefused | None:
        """Why the office's counts break a quota (STA-4.1), if they do: to read, never to raise."""
        return self._ranked[1]

    @property
    def live_ranking(self) -> CampaignRanking:
        """The ranking now, from the submitted agreed sheets; raises `QuotaRefused` (a fresh copy each time, so a
        shared standing never carries one request's traceback into the next) when the counts break a quota."""
        ranked, refused = self._ranked
        if refused is not None:
            raise QuotaRefused(
                refused.code,
                refused.message,
                refused.rule,
                group=refused.group,
                grade=refused.grade,
                params=refused.params,
                checks=refused.checks,
            )
        assert ranked is not None
        return ranked


#: the app's standings (per app: two apps of one process — tests — never share campaign ids)
_STANDINGS: Kept[Standing] = Kept("campaign_standings", KEPT)


def of(campaign: Campaign) -> Standing:
    """The campaign's standing: shared within the process on a GET, read from the session otherwise (an act,
    or a GET whose own transaction changed units or sheets it has not committed yet)."""
    if not (has_request_context() and request.method == "GET") or STANDING.pending(db.session):
        return _read(campaign, live=True)
    key = (campaign.id, campaign.version_id, campaign.standing_revision)
    found = _STANDINGS.get(key)
    if found is not None:
        return found
    return _STANDINGS.put(key, _read(campaign, live=False))


def ranking(campaign: Campaign, shared: Standing | None = None) -> CampaignRanking:
    """The frozen ranking once the head approved, else the live one (`Standing.live_ranking`; ``shared`` when
    the caller holds the campaign's standing already)."""
    if campaign.result:
        return results.ranking_from_dict(campaign.result)
    return (shared or of(campaign)).live_ranking


def _read(campaign: Campaign, *, live: bool) -> Standing:
    units: tuple[Any, ...]
    if live:  # an act: the session's own units, with whatever it changed and has not committed yet
        units = tuple(sorted(campaign.units, key=lambda u: (u.position, u.id)))
    else:
        units = tuple(
            UnitRow(*row)
            for row in db.session.execute(
                sa.select(
                    CampaignUnit.id,
                    CampaignUnit.organisation_id,
                    CampaignUnit.group,
                    CampaignUnit.position,
                    CampaignUnit.vetoed,
                    CampaignUnit.veto_reason,
                    CampaignUnit.judged_fail,
                    CampaignUnit.fail_reason,
                    CampaignUnit.recognition,
                )
                .where(CampaignUnit.campaign_id == campaign.id)
                .order_by(CampaignUnit.position, CampaignUnit.id)
            )
        )
    return Standing(
        units=units,
        progress=results.read_progress(campaign.id, [u.id for u in units]),
        rules=dict(campaign.rules or {}),
        choices=results.choices_of(campaign),
    )


# --- the revision ----------------------------------------------------------------------------------------------


def _noticed(obj: object) -> Noticed:
    if isinstance(obj, CampaignUnit):
        return ((None, obj.campaign_id),)
    if isinstance(obj, ScoreSheet) and obj.subject_type == results.SHEET_SUBJECT:
        return (("unit", obj.subject_id),)  # a sheet names its campaign through its unit
    return ()


STANDING = Revision(
    "campaign_standing",
    Campaign.__table__.c.standing_revision,
    _noticed,
    owners_of={"unit": lambda ids: sa.select(CampaignUnit.campaign_id).where(CampaignUnit.id.in_(ids))},
    untouched=("updated_at",),  # the revision is not a change of the campaign: its updated_at stays
).register()


def note(session: Session, *, campaigns: Iterable[int] = (), units: Iterable[int] = ()) -> None:
    """Say that a statement changed units of ``campaigns`` (or the sheets of the campaign units ``units``)."""
    STANDING.note(session, owners=campaigns, parents={"unit": units})
