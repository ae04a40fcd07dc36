"""Small helpers that make rows for tests. They add and flush, never commit: the test decides.

Call them inside an app context, e.g. ``with app.app_context(): organ = make_organ(make_bureau())``.
"""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask

from tests import database as test_database
from webapp import create_app
from webapp.core.extensions import db
from webapp.core.feature import Feature
from webapp.core.models import AuthorityStatus, BureauTier, Organisation, OrganTier, OrgKind, User, UserRole
from webapp.features import FEATURES
from webapp.grading.models import Case

_seq = itertools.count(1)

#: the audit MAC key of every test app (a deployment's comes from KAOPING_AUDIT_KEY or instance/audit_key)
TEST_AUDIT_KEY = "test-audit-key-0123456789abcdef0123456789abcdef"

#: "today" in every test app (start of the 2027 application round, ARC-10.1.1)
TODAY = date(2027, 1, 5)


def make_test_app(
    tmp_path: Path,
    features: tuple[Feature, ...] = FEATURES,
    *,
    own_database: bool = False,
    **overrides: Any,
) -> Flask:
    """A TestingConfig app on its own SQLite file under ``tmp_path``, today fixed at ``TODAY``; no tables yet.

    With ``KAOPING_TEST_DATABASE_URL`` set it runs on PostgreSQL instead (tests/database.py): on this process's
    shared database, emptied for it, whose tables already exist; or, with ``own_database`` (an app that lives
    across tests, or a test that builds the schema itself, e.g. by migrations), on an empty database of its own.
    """
    config: dict[str, Any] = {
        "KAOPING_CONFIG": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": _database_uri(tmp_path, own_database)
        if "SQLALCHEMY_DATABASE_URI" not in overrides
        else overrides["SQLALCHEMY_DATABASE_URI"],
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "RULESET_FOLDER": str(tmp_path / "rulesets"),
        "KAOPING_TODAY": TODAY.isoformat(),
        # the audit MAC key and checkpoint file of this test only (never the checkout's instance/)
        "AUDIT_KEY": TEST_AUDIT_KEY,
        "AUDIT_CHECKPOINT_PATH": str(tmp_path / "audit.chain"),
    }
    config.update(overrides)
    return create_app(config, features=features)


def _database_uri(tmp_path: Path, own: bool) -> str:
    if not test_database.on_postgres():
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    return test_database.own_database(tmp_path) if own else test_database.shared_database(tmp_path)


TEST_PASSWORD = "test-password"


def make_bureau(
    tier: str = BureauTier.PROVINCE, parent: Organisation | None = None, **kwargs: Any
) -> Organisation:
    n = next(_seq)
    org = Organisation(
        name=kwargs.pop("name", f"测试档案局{n}"),
        code=kwargs.pop("code", f"bureau-{n}"),
        kind=OrgKind.BUREAU,
        bureau_tier=tier,
        parent=parent,
        authority_status=kwargs.pop("authority_status", AuthorityStatus.ACTIVE),
        **kwargs,
    )
    db.session.add(org)
    db.session.flush()
    return org


def make_bureau_chain() -> tuple[Organisation, Organisation, Organisation]:
    """Province → city → county bureaus."""
    province = make_bureau(BureauTier.PROVINCE)
    city = make_bureau(BureauTier.CITY, province)
    county = make_bureau(BureauTier.COUNTY, city)
    return province, city, county


def make_organ(parent: Organisation, tier: str = OrganTier.COUNTY_DIRECT, **kwargs: Any) -> Organisation:
    n = next(_seq)
    org = Organisation(
        name=kwargs.pop("name", f"测试机关{n}"),
        code=kwargs.pop("code", f"organ-{n}"),
        kind=OrgKind.ORGAN,
        tier=tier,
        parent=parent,
        **kwargs,
    )
    db.session.add(org)
    db.session.flush()
    return org


def make_user(
    organisation: Organisation,
    *roles: str,
    username: str | None = None,
    password: str = TEST_PASSWORD,
    **kwargs: Any,
) -> User:
    n = next(_seq)
    user = User(
        username=username or f"user-{n}",
        display_name=kwargs.pop("display_name", f"测试用户{n}"),
        organisation=organisation,
        role_rows=[UserRole(role=role) for role in roles],
        **kwargs,
    )
    user.set_password(password, method="pbkdf2:sha256:1000")
    db.session.add(user)
    db.session.flush()
    return user


def make_case(organ: Organisation, **kwargs: Any) -> Case:
    case = Case(
        organ=organ,
        level=kwargs.pop("level", "second"),
        kind=kwargs.pop("kind", "evaluation"),
        tier=kwargs.pop("tier", organ.tier),
        ruleset_id=kwargs.pop("ruleset_id", "hubei-2011"),
        **kwargs,
    )
    db.session.add(case)
    db.session.flush()
    return case
