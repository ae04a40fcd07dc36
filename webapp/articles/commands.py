"""``kaoping articles …``: set up an office that receives information articles (the rest is in the pages/API)."""

from __future__ import annotations

import click
import sqlalchemy as sa

from webapp.articles.services import offices
from webapp.core.extensions import db
from webapp.core.models import Organisation
from webapp.core.services.errors import ServiceError


@click.group("articles")
def articles_command() -> None:
    """Information articles (信息稿件报送): offices and their units."""


def _organisation(name: str) -> Organisation:
    org = db.session.scalar(sa.select(Organisation).where(Organisation.name == name))
    if org is None:
        raise click.BadParameter(f"no organisation named {name!r}")
    return org


@articles_command.command("setup-office")
@click.argument("organisation")
@click.option("--label", required=True, help="What the office calls its information work, e.g. 组工信息.")
@click.option(
    "--scheme", "scheme_id", default=None, help="Ledger scheme id (config/schemes/ledger), e.g. ledger-zg."
)
@click.option("--own", "own", multiple=True, help="An own publication as CODE=NAME (repeatable).")
@click.option("--unit", "units", multiple=True, help="A unit as NAME or NAME=GROUP (repeatable).")
def setup_office_command(organisation: str, label: str, scheme_id: str | None, own: tuple[str, ...],
                         units: tuple[str, ...]) -> None:  # fmt: skip
    """Make ORGANISATION an office that receives articles, with its publications and units."""
    try:
        own_pubs = [tuple(item.split("=", 1)) for item in own]
        if any(len(pair) != 2 for pair in own_pubs):
            raise click.BadParameter("use CODE=NAME", param_hint="--own")
        office = offices.setup_office(
            _organisation(organisation).id, label=label, scheme_id=scheme_id,
            own_publications=[(c, n) for c, n in own_pubs],  # type: ignore[misc]
        )  # fmt: skip
        pairs = [
            (_organisation(u.split("=", 1)[0]).id, u.split("=", 1)[1] if "=" in u else "") for u in units
        ]
        offices.add_units(office.id, pairs)
    except ServiceError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"office {office.id}: {organisation} ({len(units)} units)")
