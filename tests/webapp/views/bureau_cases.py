"""Cases for the bureau page tests, driven through the real services (`tests.walk`).

Call inside an app context on top of the ``demo`` fixture, e.g. ``drive("unit-county", to="in_notice")``.
The bureaux the case names act on it; this route uploads every material with the request for acceptance, and
forms the panel (reviewer-1 … as many as the case needs) once the notice is over (NOTICE_OVER), the day the
review concludes and, unless ``approve_on`` says otherwise, the head approves.
"""

from __future__ import annotations

from datetime import date

from tests.walk import Route, reviewers, walk

ROUTE = Route(panel=lambda case, given: given or reviewers(*range(1, 1 + (case.panel_min or 3))), uploads={})


def drive(
    unit: str,
    *,
    level: str = "second",
    kind: str = "evaluation",
    to: str = "applied",
    panel: list[str] | None = None,
    score: float = 92,
    approve_on: date | None = None,
) -> int:
    """Open a case for ``unit``'s organ and take it to state ``to`` (a `tests.walk.STATES` name); returns its id."""
    return walk(unit, ROUTE, to=to, level=level, kind=kind, panel=panel, score=score, approve_on=approve_on)
