"""The ledger's charts as PNG for the office (points by unit, by month, adoptions by publication); nobody else."""

from __future__ import annotations

from datetime import date

import pytest

from tests.webapp.articles.conftest import World
from tests.webapp.articles.issue_world import adopted
from tests.webapp.articles.unit_helpers import login


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
