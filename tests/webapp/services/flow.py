"""Driving cases through the services for the service and API tests (never by setting ``.state``).

Call inside an app context on top of the ``demo`` fixture. The walker and the look-ups are `tests.walk` (import
them from there); this module holds only this route, which uploads every material while the case is a draft, forms the panel while the notice runs, and concludes the
review the day after the notice may be closed (``REVIEW_DAY``), approving the day after (``APPROVAL_DAY``).
"""

from __future__ import annotations

from datetime import timedelta

from tests.walk import MATERIALS, NOTICE_OVER, Route, walk

REVIEW_DAY = NOTICE_OVER + timedelta(days=1)
APPROVAL_DAY = NOTICE_OVER + timedelta(days=2)
#: a five-person panel from outside the county organs (township cases need 5–7, ARC-10.4.3)
PANEL = ["reviewer-7", "reviewer-8", "reviewer-4", "reviewer-5", "reviewer-1"]

ROUTE = Route(
    panel=lambda case, given: (given or PANEL)[: max(case.panel_min or 3, 3)],
    uploads={"open": MATERIALS},
    panel_in_notice=True,
    notice_start=False,
    opinion="材料齐全",
    review_day=REVIEW_DAY,
    approve_day=APPROVAL_DAY,
)


def drive(
    unit: str,
    *,
    level: str = "second",
    kind: str = "evaluation",
    to: str = "applied",
    panel: list[str] | None = None,
    score: float = 85.5,
) -> int:
    """Open a case for ``unit``'s organ and drive it to state ``to`` (a `tests.walk.STATES` name)."""
    return walk(unit, ROUTE, to=to, level=level, kind=kind, panel=panel, score=score)
