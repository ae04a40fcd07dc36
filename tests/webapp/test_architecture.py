"""One home per procedure (issue 8): the registry in webapp/features.py is the one place a feature is plugged in,
and docs/architecture.md and the import contracts describe the packages that exist."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path

import pytest
from flask import Blueprint

from tests.factories import make_test_app
from webapp.core.auth.permissions import login_required
from webapp.core.extensions import db
from webapp.core.feature import Feature, WorkArea
from webapp.demo import DEMO_PASSWORD, load_demo
from webapp.features import FEATURES

ROOT = Path(__file__).resolve().parents[2]


def _procedure_packages() -> set[str]:
    """webapp's feature packages: every sub-package with a declaration.py."""
    return {path.parent.name for path in ROOT.joinpath("webapp").glob("*/declaration.py")}


def test_every_feature_package_is_registered_once_in_the_registry():
    assert {feature.name for feature in FEATURES} == _procedure_packages()
    assert len({feature.name for feature in FEATURES}) == len(FEATURES)


def test_every_page_of_the_app_belongs_to_a_registered_feature(app):
    registered = {bp.name for feature in FEATURES for bp in feature.blueprints} | {"api", "bootstrap"}
    assert set(app.blueprints) == registered


def test_the_layers_contract_names_every_feature_package():
    contracts = tomllib.loads(ROOT.joinpath("pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "importlinter"
    ]
    layers = next(c for c in contracts["contracts"] if c["name"].startswith("Feature packages"))["layers"]
    named = {name.strip().removeprefix("webapp.") for layer in layers for name in layer.split("|")}
    assert named == _procedure_packages()
    assert layers[-2:] == ["webapp.scoring", "webapp.core"]


def test_the_architecture_page_shows_every_package_and_the_one_registry():
    page = ROOT.joinpath("docs/architecture.md").read_text(encoding="utf-8")
    for package in _procedure_packages():
        assert f"  {package}/" in page, package
    assert "webapp/features.py" in page
    assert "Adding a procedure" in page


# --- a fictitious procedure plugged in by registration alone -------------------------------------------------

_bp = Blueprint("trial", __name__, url_prefix="/trial")


@_bp.get("/")
@login_required
def _trial_page() -> str:
    return "试点程序"


def _worklist(user, today: date) -> list[WorkArea]:  # noqa: ANN001 - a User
    return [WorkArea("试点待办", "只为检验注册而设", "trial._trial_page", count=4, overdue=1)]


TRIAL = Feature(
    name="trial",
    label="试点程序",
    blueprints=(_bp,),
    worklist=_worklist,
    overdue_count=lambda user, today: 1,
    tick=lambda today: {"trial_due": [today.isoformat()]},
)


def test_a_new_procedure_needs_only_its_feature_in_the_list(tmp_path):
    """Its pages, home worklist lines, navigation overdue count and tick all come from the one registration."""
    app = make_test_app(tmp_path, features=(*FEATURES, TRIAL))
    with app.app_context():
        db.create_all()
        load_demo()
    client = app.test_client()
    assert client.get("/trial/").status_code == 302  # deny by default: sign in first
    client.post("/auth/login", data={"username": "county-staff", "password": DEMO_PASSWORD})
    assert client.get("/trial/").get_data(as_text=True) == "试点程序"
    home = client.get("/").get_data(as_text=True)
    assert "试点程序" in home and "试点待办" in home and "4 件" in home and "逾期 1" in home
    result = app.test_cli_runner().invoke(args=["tick", "--today", "2027-03-01"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["trial_due"] == ["2027-03-01"]
    assert {"lapsed", "recheck_due"} <= set(report)  # grading's timer still runs beside it


def test_a_feature_whose_view_declares_no_access_stops_the_app(tmp_path):
    """Deny by default holds for every registered feature: the app refuses to start, naming the view."""
    loose = Blueprint("loose", __name__, url_prefix="/loose")
    loose.add_url_rule("/", "open_page", lambda: "谁都能看")
    with pytest.raises(RuntimeError, match="loose.open_page"):
        make_test_app(
            tmp_path, features=(*FEATURES, Feature(name="loose", label="松散", blueprints=(loose,)))
        )
