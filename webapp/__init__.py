"""Kaoping web application: create_app() reads like a table of contents."""

from __future__ import annotations

import gc

# Importing the app leaves ~240,000 long-lived objects (modules, classes, mappers, schemas) and no garbage. The
# cyclic collector would walk them again and again as they pile up, so it waits until the imports are done
# (webapp/core/collector.py has the figures).
_COLLECTING = gc.isenabled()
gc.disable()
try:
    from pathlib import Path
    from typing import Any

    from flask import Flask

    from config.rulesets import use_registered_dir
    from config.settings import config_for
    from webapp.core import api, auth, pool_check, read_transactions, schema_migrations, sql_count, sqlite_wal
    from webapp.core.api.validation import DepthSafeJSONProvider
    from webapp.core.auth.permissions import PERMISSION_ATTR, public
    from webapp.core.denials import register_denial_audit
    from webapp.core.errors import register_errorhandlers
    from webapp.core.extensions import bootstrap, csrf, db, login_manager
    from webapp.core.feature import EXTENSION_KEY, Feature, features_of
    from webapp.core.nul_guard import register_nul_guard
    from webapp.core.request_args import DatabaseIdConverter
    from webapp.core.security_headers import register_security_headers
    from webapp.core.separation import register_separation_guard
    from webapp.core.services import audit_chain
    from webapp.core.services.client import register_proxy_fix
    from webapp.core.static_files import register_static_files
    from webapp.core.template_helpers import register_template_helpers
    from webapp.demo import DEMO_COMMANDS
    from webapp.features import FEATURES
finally:
    if _COLLECTING:
        gc.enable()

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def create_app(test_config: dict[str, Any] | None = None, features: tuple[Feature, ...] = FEATURES) -> Flask:
    """The application with ``features`` (the registry in webapp/features.py; tests may add one)."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
    )
    configure(app, test_config)
    register_input_guards(app)
    register_extensions(app)
    app.extensions[EXTENSION_KEY] = features
    register_blueprints(app)
    register_separation_guard(app)  # 三员分立: the administrators never act in a procedure
    register_denial_audit(app)  # every 403 to a signed-in person goes on their audit trail
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    register_static_files(app)
    register_health_check(app)
    register_security_headers(app)
    register_proxy_fix(app)
    if sql_count.enabled(app.config.get("KAOPING_SQL_COUNT")):
        sql_count.init_app(app)  # the bench's per-request statement count (X-SQL-Statements)
    return app


def configure(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Settings class by ``KAOPING_CONFIG`` (or ``test_config["KAOPING_CONFIG"]``), then overrides, then checks."""
    overrides = dict(test_config or {})
    name = overrides.pop("KAOPING_CONFIG", None)
    if name is None and overrides.get("TESTING"):
        name = "testing"
    settings = config_for(name, app.instance_path)
    app.config.from_object(settings)
    app.config["WTF_I18N_ENABLED"] = False  # WTForms' own zh catalogue (webapp.core.forms), no Flask-Babel
    app.config.update(overrides)
    type(settings).check(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    audit_chain.init_app(app)  # the audit key, checkpoint file and retention settings (refuses unusable ones)
    # rulesets registered by this deployment are found by id besides the shipped ones (cases store the id)
    use_registered_dir(Path(app.config["RULESET_FOLDER"]))


def register_input_guards(app: Flask) -> None:
    """Before any route exists: ``<int:…>`` ids beyond a database integer are 404 (`DatabaseIdConverter`), and
    JSON nested too deeply to parse is a 400 like any other malformed body (`DepthSafeJSONProvider`), and text
    carrying a NUL character, which PostgreSQL cannot store, is a 400 before any view runs (`nul_guard`)."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.json = DepthSafeJSONProvider(app)
    register_nul_guard(app)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    sqlite_wal.init_app(app)  # SQLite files: readers and the writer no longer wait on each other
    read_transactions.init_app(app)  # PostgreSQL: reads outside a transaction; prepared statements kept
    pool_check.init_app(app)  # a pooled connection is pinged before use only after it sat idle
    # Flask-Migrate (Alembic) is set up when a command or a test first uses it, never in a web worker
    schema_migrations.init_app(app, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    auth.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)


def register_blueprints(app: Flask) -> None:
    for feature in features_of(app):
        for blueprint in feature.blueprints:
            app.register_blueprint(blueprint)
    refuse_undeclared_views(app)
    # The API authenticates with bearer tokens and never reads the session cookie, so CSRF does not apply.
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)


def refuse_undeclared_views(app: Flask) -> None:
    """Deny by default, enforced when the app is built: a view that declares no access (``public``,
    ``login_required``, ``roles_required``) stops the app from starting, whichever feature brought it."""
    undeclared = sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint not in {"static", "bootstrap.static"} and not getattr(view, PERMISSION_ATTR, None)
    )
    if undeclared:
        raise RuntimeError(f"views without a declared access rule: {', '.join(undeclared)}")


def register_commands(app: Flask) -> None:
    for feature in features_of(app):
        for command in feature.app_commands:
            app.cli.add_command(command)
    for command in DEMO_COMMANDS:
        app.cli.add_command(command)


def register_health_check(app: Flask) -> None:
    @app.get("/healthz")
    @public
    def healthz() -> dict[str, str]:
        return {"status": "ok"}
