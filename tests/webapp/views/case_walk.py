"""Cases for the unit, case-page, reviewer and public page tests, walked through the real services (`tests.walk`).

Call inside an app context on top of the ``demo`` fixture, e.g. ``walk("unit-county", to="in_notice")``.
The demo organ 夷陵区财政局 (``unit-county``) is county-direct and ungraded, so its 省二级 evaluation is
organised, pre-checked and approved by 夷陵区档案局 (``county-staff``, ``county-head``; ARC-9.4, §6 row 19).
This route uploads the application form with the application and the other materials with the request for
acceptance, and forms the panel once the notice is over (NOTICE_OVER, the day the review concludes too).
"""

from __future__ import annotations

from tests import walk as shared
from tests.walk import Route

#: the panel of the county case: county-bureau reviewers first (reviewer-7 leads), none from the organ
PANEL = ["reviewer-7", "reviewer-8", "reviewer-4"]

ROUTE = Route(panel=lambda case, given: given or PANEL, uploads={"apply": ("application_form",)})


def walk(
    unit: str = "unit-county",
    *,
    to: str = "in_notice",
    bureau: str = "county",
    level: str = "second",
    kind: str = "evaluation",
    panel: list[str] | None = None,
    score: float = 88.5,
) -> int:
    """Open a case for ``unit``'s organ and take it to ``to`` (``panel`` = in review with the panel formed);
    ``bureau`` is the demo bureau prefix acting on it (``county`` → county-staff/-head)."""
    return shared.walk(
        unit,
        ROUTE,
        to=to,
        level=level,
        kind=kind,
        panel=panel,
        score=score,
        staff=f"{bureau}-staff",
        head=f"{bureau}-head",
    )
