"""What a panel member still has to do with a case's score sheets: their worklist (/review/) and the case page
(issue 7 point 15). Each member fills and submits their own sheet while the case is in review; the lead also
keeps the agreed sheet and concludes the review from it (ARC-10.4.5)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from config.rulesets import load_ruleset
from webapp.core.extensions import db
from webapp.core.models import Role, User
from webapp.grading.models import Case
from webapp.grading.services.sheet_subject import REVIEW_STATES, access
from webapp.scoring.models import CASE_SUBJECT, ScoreSheet, SheetKind


@dataclass(frozen=True)
class SheetTodo:
    """One step a panel member still has to take: ``start`` posts to ``endpoint`` (creating the sheet), otherwise
    it is a link."""

    text: str
    button: str
    endpoint: str  #: sheets.own_review or sheets.agreed_sheet (with case_id)
    start: bool = False


@dataclass(frozen=True)
class PanelWork:
    """A panel member's sheets on one case and what they still have to do with them."""

    case_id: int
    is_lead: bool
    scored: bool  #: the level is scored with sheets (省特级 is not, GAP-11)
    in_review: bool
    own: ScoreSheet | None
    agreed: ScoreSheet | None

    @property
    def own_label(self) -> str:
        """The state of the member's own sheet, as the worklist shows it."""
        if not self.scored:
            return "不评分"
        if self.own is None:
            return "未开始"
        return "已提交" if self.own.submitted else "草稿（未提交）"

    @property
    def todo(self) -> list[SheetTodo]:
        if not (self.in_review and self.scored):
            return []
        steps: list[SheetTodo] = []
        if self.own is None:
            steps.append(
                SheetTodo("填写本人的评审评分表（尚未开始）", "开始评分", "sheets.own_review", start=True)
            )
        elif not self.own.submitted:
            steps.append(
                SheetTodo("提交本人的评审评分表（草稿已保存，尚未提交）", "继续填写", "sheets.own_review")
            )
        if self.is_lead:
            if self.agreed is None:
                steps.append(
                    SheetTodo(
                        "填写合议评分表（按专家评分预填）", "开始合议评分", "sheets.agreed_sheet", start=True
                    )
                )
            elif not self.agreed.submitted:
                steps.append(SheetTodo("核定并提交合议评分表", "继续填写", "sheets.agreed_sheet"))
            else:
                steps.append(SheetTodo("依据合议评分表形成评审结论", "形成结论", "sheets.agreed_sheet"))
        return steps


def panel_work(user: User, seats: Iterable[tuple[Case, bool]]) -> dict[int, PanelWork]:
    """case id → ``user``'s sheet work on each case they sit on (``seats``: case and whether they lead it).

    One query for the sheets of all the cases, whatever their number. A seat gives sheet work only while the
    user holds the reviewer role (as `access` decides).
    """
    seats = list(seats)
    if not seats or not user.has_role(Role.REVIEWER):
        return {}
    ids = [case.id for case, _ in seats]
    own_slot = ScoreSheet.slot_for(SheetKind.REVIEWER, user.id)
    found = db.session.scalars(
        sa.select(ScoreSheet).where(
            ScoreSheet.subject_type == CASE_SUBJECT,
            ScoreSheet.subject_id.in_(ids),
            ScoreSheet.slot.in_((own_slot, "agreed")),
        )
    )
    sheets = {(sheet.subject_id, sheet.slot): sheet for sheet in found}
    out = {}
    for case, is_lead in seats:
        scored = load_ruleset(case.ruleset_id).level(case.level).scored
        out[case.id] = PanelWork(
            case.id,
            is_lead,
            scored,
            case.state in REVIEW_STATES,
            sheets.get((case.id, own_slot)),
            sheets.get((case.id, "agreed")),
        )
    return out


def case_todo(user: User, case: Case) -> list[SheetTodo]:
    """What ``user`` still has to do with the sheets of ``case`` (nothing unless they sit on its panel)."""
    acc = access(user, case)
    if not acc.is_member:
        return []
    work = panel_work(user, [(case, acc.is_lead)]).get(case.id)
    return work.todo if work else []
