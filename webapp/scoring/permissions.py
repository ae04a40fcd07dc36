"""Who may read and fill which score sheet, and who may manage scoring schemes. Deny by default.

Sheets belong to a procedure's subject (a grading case today). The procedure decides what the user is on that
subject and which sheets its state opens — `SheetRoles`, built by the procedure's own permissions (grading:
``webapp.grading.services.permissions.sheet_roles``) — and this module turns that into what the user may do
with each sheet, the same way for the pages and the API. It imports no procedure.
"""

from __future__ import annotations

from dataclasses import dataclass

from webapp.core.models import Role, User
from webapp.scoring.models import SheetKind


@dataclass(frozen=True)
class SheetRoles:
    """What the procedure says about ``user`` on one subject, and which sheets the subject's state opens."""

    #: may see the subject at all (else every sheet is hidden: no existence leak)
    visible: bool = False
    #: fills the self-check sheet (the applying unit)
    applicant: bool = False
    #: sits on the review panel (and still holds the reviewer role)
    member: bool = False
    #: leads the panel: fills the agreed sheet
    lead: bool = False
    #: the member declared no conflict of interest (回避声明) — required before scoring
    declared: bool = False
    #: holds another function on the subject (a bureau): reads every review sheet
    overseer: bool = False
    #: the state opens the self-check sheet / the review sheets; the review is concluded
    self_check_open: bool = False
    review_open: bool = False
    concluded: bool = False


@dataclass(frozen=True)
class SheetAccess:
    """What ``user`` may do with the sheets of one subject, and why editing is closed when it is."""

    read_self: bool = False
    read_reviews: bool = False  #: every reviewer sheet (and the agreed sheet while it is being made)
    read_agreed: bool = False
    edit_self: bool = False
    edit_own_review: bool = False
    edit_agreed: bool = False
    is_applicant: bool = False
    is_member: bool = False
    is_lead: bool = False
    #: the member declared no conflict of interest (required before scoring)
    declared: bool = False
    #: a member who has not declared yet, at the time they would score: the declaration comes first
    declaration_pending: bool = False
    visible: bool = False  #: may see the subject, whatever the sheets

    @property
    def any(self) -> bool:
        return self.read_self or self.read_reviews or self.read_agreed


def sheet_access(roles: SheetRoles) -> SheetAccess:
    """The reading and filling rights that follow from ``roles``."""
    if not roles.visible:
        return SheetAccess()
    lead = roles.member and roles.lead
    read_reviews = roles.member or roles.overseer
    return SheetAccess(
        read_self=roles.applicant or read_reviews,
        read_reviews=read_reviews,
        read_agreed=read_reviews or roles.concluded,
        edit_self=roles.applicant and roles.self_check_open,
        edit_own_review=roles.member and roles.declared and roles.review_open,
        edit_agreed=lead and roles.declared and roles.review_open,
        is_applicant=roles.applicant,
        is_member=roles.member,
        is_lead=lead,
        declared=roles.member and roles.declared,
        declaration_pending=roles.member and not roles.declared and roles.review_open,
        visible=True,
    )


def can_read_sheet(acc: SheetAccess, kind: str, reviewer_id: int | None, user_id: int) -> bool:
    if kind == SheetKind.SELF:
        return acc.read_self
    if kind == SheetKind.REVIEWER:
        return acc.read_reviews or (acc.is_member and reviewer_id == user_id)
    return acc.read_agreed


def can_fill_sheet(acc: SheetAccess, kind: str, reviewer_id: int | None, user_id: int) -> bool:
    """May fill (save, submit, reopen) the sheet of ``kind`` (of ``reviewer_id``) now."""
    if kind == SheetKind.SELF:
        return acc.edit_self
    if kind == SheetKind.REVIEWER:
        return acc.edit_own_review and reviewer_id == user_id
    return acc.edit_agreed


def fills_sheet(acc: SheetAccess, kind: str, reviewer_id: int | None, user_id: int) -> bool:
    """``user`` is the one who fills the sheet of ``kind``, whether or not the subject is open for it now."""
    if kind == SheetKind.SELF:
        return acc.is_applicant
    if kind == SheetKind.REVIEWER:
        return acc.is_member and reviewer_id == user_id
    return acc.is_lead


def can_manage_schemes(user: User) -> bool:
    """``sys_admin``, or ``bureau_head`` of the provincial bureau (the top of the bureau tree)."""
    if not user.is_authenticated:
        return False
    if user.has_role(Role.SYS_ADMIN):
        return True
    org = user.organisation
    return user.has_role(Role.BUREAU_HEAD) and org is not None and org.is_bureau and org.parent_id is None
