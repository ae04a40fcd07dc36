"""The ledger's charts as PNG for the office (points by unit, by month, adoptions by publication); nobody else."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from tests.webapp.articles.conftest import World
from tests.webapp.articles.issue_world import adopted
from tests.webapp.articles.unit_helpers import login
from webapp.articles.documents import charts
from webapp.articles.ledger.chart_views import CHARTS


@pytest.mark.parametrize("name", ["units", "months", "publications"])
def test_the_office_gets_each_chart_as_a_png(world: World, client, name: str) -> None:  # noqa: ANN001
    adopted(world, day=date(2026, 11, 10))
    login(client, "reader")
    response = client.get(f"/ledger/2026-Q4/charts/{name}.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png" and response.data.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("officer-a", "/ledger/2026-Q4/charts/units.png"),
        ("outsider", "/ledger/2026-Q4/charts/units.png"),
        ("editor", "/ledger/2026-Q4/charts/pie.png"),
        ("editor", "/ledger/2026-Q9/charts/units.png"),
    ],
)
def test_charts_are_the_offices_and_a_wrong_address_is_not_found(
    world: World,
    client,
    username: str,
    url: str,  # noqa: ANN001
) -> None:
    login(client, username)
    assert client.get(url).status_code == 404


def test_a_chart_is_drawn_once_per_change_of_what_it_shows(world: World, client, monkeypatch) -> None:  # noqa: ANN001
    """Drawing forty units' bars takes ~0.7 s and the publications chart reads the period's records: each chart is
    kept until a record of the office changes (ZG-6.6: an adoption counts in its month), then drawn afresh."""
    adopted(world, day=date(2026, 11, 10))
    drawn: Counter[str] = Counter()
    for name in ("points_by_unit_png", "points_by_month_png", "adoptions_by_publication_png"):
        real = getattr(charts, name)

        def counted(*args, _real=real, _name=name, **kwargs):  # type: ignore[no-untyped-def]  # noqa: ANN002, ANN003
            drawn[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(charts, name, counted)
    login(client, "reader")

    def images() -> dict[str, bytes]:
        return {name: client.get(f"/ledger/2026-Q4/charts/{name}.png").data for name in CHARTS}

    first = images()
    assert images() == first and images() == first
    assert set(drawn.values()) == {1} and len(drawn) == 3
    adopted(world, title="甲县又一篇经验", day=date(2026, 11, 12))
    after = images()
    assert set(drawn.values()) == {2}
    assert after["publications"] != first["publications"]  # 1 篇 → 2 篇


def test_the_publications_chart_counts_the_periods_scored_adoptions_per_publication(
    world: World, client, monkeypatch
) -> None:  # noqa: ANN001
    """The period's adoptions counted per publication as they are read (issue 12: never all held): an adoption
    counts in the month of its day (ZG-6.6: after the 28th, the next month), one in a publication the scheme does
    not list is not scored, so not counted."""
    from webapp.articles.models import Publication
    from webapp.core.extensions import db

    national = db.session.scalars(
        db.select(Publication).where(Publication.office_id == world.office.id, Publication.code == "P1")
    ).one()
    outside = Publication(office_id=world.office.id, code="XX", name="《内部参阅》")
    db.session.add(outside)
    db.session.commit()
    adopted(world, title="十一月一", day=date(2026, 11, 10))
    adopted(world, title="十一月二", day=date(2026, 11, 20), officer=world.officer_b, signer=world.signer_b)
    adopted(world, title="中组部采用", day=date(2026, 12, 1), publication_id=national.id)
    adopted(world, title="九月二十九日", day=date(2026, 9, 29))  # after the 28th: October, in 2026-Q4
    adopted(world, title="九月十日", day=date(2026, 9, 10))  # September: 2026-Q3
    adopted(world, title="内部参阅", day=date(2026, 11, 11), publication_id=outside.id)
    drawn: list[list[tuple[str, int]]] = []
    real = charts.adoptions_by_publication_png
    monkeypatch.setattr(
        charts, "adoptions_by_publication_png", lambda t, rows: drawn.append(rows) or real(t, rows)
    )
    login(client, "reader")
    assert client.get("/ledger/2026-Q4/charts/publications.png").status_code == 200
    assert drawn == [[("《市组工信息》", 3), ("中组部《组工信息》", 1)]]
