"""Flask settings, one class per environment.

Environment variables are read when a config object is *built* (not at import time), so tests and the CLI can
change them without reloading modules:

- ``KAOPING_CONFIG``   development (default) | testing | production
- ``SECRET_KEY``       required in production
- ``DATABASE_URL``     any SQLAlchemy URL; default: SQLite file ``instance/kaoping.sqlite3``
- ``KAOPING_TODAY``    YYYY-MM-DD fixes "today" for demos and tests; refused by production
- ``KAOPING_SQL_COUNT`` 1 adds ``X-SQL-Statements`` (statements per request) to every response (`make bench`)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

DEV_SECRET_KEY = "dev-only-not-secret-kaoping"


class ConfigError(RuntimeError):
    """The settings cannot be used; the message says which variable and why."""


def _database_url(raw: str | None, instance_path: Path) -> str:
    if not raw:
        return f"sqlite:///{instance_path / 'kaoping.sqlite3'}"
    # Heroku-style URLs; SQLAlchemy 2 only knows "postgresql".
    if raw.startswith("postgres://"):
        raw = "postgresql+psycopg://" + raw.removeprefix("postgres://")
    elif raw.startswith("postgresql://"):
        raw = "postgresql+psycopg://" + raw.removeprefix("postgresql://")
    return raw


def parse_today(value: Any) -> date | None:
    """``KAOPING_TODAY`` as a date; empty means "not fixed". Raises ConfigError on a malformed value."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ConfigError(f"KAOPING_TODAY must be YYYY-MM-DD, got {value!r}") from exc


class BaseConfig:
    #: name used in logs and by ``config_for``
    NAME = "base"
    DEBUG = False
    TESTING = False
    #: the demo clock offset (admin page 「演示日期」) is honoured only where this is True
    DEMO_CLOCK_ENABLED = False
    TIMEZONE = "Asia/Shanghai"
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    #: Bootstrap 5 files come from Bootstrap-Flask's package, never a CDN (networks are often closed)
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BOOTSWATCH_THEME = None
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    ALLOWED_UPLOAD_EXTENSIONS = frozenset(
        {"pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "zip", "ofd"}
    )
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    SESSION_COOKIE_NAME = "kaoping_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PASSWORD_HASH_METHOD = "scrypt"
    API_TOKEN_TTL_DAYS = 30
    ITEMS_PER_PAGE = 20

    def __init__(self, instance_path: str | Path, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        instance = Path(instance_path)
        self.SECRET_KEY = env.get("SECRET_KEY") or None
        self.SQLALCHEMY_DATABASE_URI = _database_url(env.get("DATABASE_URL"), instance)
        self.KAOPING_TODAY = env.get("KAOPING_TODAY") or None
        self.KAOPING_SQL_COUNT = env.get("KAOPING_SQL_COUNT") or ""
        self.UPLOAD_FOLDER = str(instance / "uploads")
        #: rulesets registered with `kaoping ruleset use FILE` (the shipped ones stay in config/rulesets/)
        self.RULESET_FOLDER = str(instance / "rulesets")
        if not self.SECRET_KEY:
            self.SECRET_KEY = self.default_secret_key()

    def default_secret_key(self) -> str | None:
        return DEV_SECRET_KEY

    @classmethod
    def check(cls, config: Mapping[str, Any]) -> None:
        """Refuse unusable final settings (after test overrides)."""
        parse_today(config.get("KAOPING_TODAY"))


class DevelopmentConfig(BaseConfig):
    NAME = "development"
    # DEBUG stays off so the Chinese error pages show in demos; `kaoping run --debug` turns the debugger on.
    TEMPLATES_AUTO_RELOAD = True
    DEMO_CLOCK_ENABLED = True


class TestingConfig(BaseConfig):
    NAME = "testing"
    TESTING = True
    DEMO_CLOCK_ENABLED = True
    #: tests post forms without tokens; one test turns CSRF back on to prove it is enforced
    WTF_CSRF_ENABLED = False
    #: cheap hashes keep the suite fast; never used outside tests
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}


class ProductionConfig(BaseConfig):
    NAME = "production"
    DEMO_CLOCK_ENABLED = False
    # served over HTTPS behind the load balancer
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    def default_secret_key(self) -> str | None:
        return None

    @classmethod
    def check(cls, config: Mapping[str, Any]) -> None:
        super().check(config)
        if not config.get("SECRET_KEY") or config.get("SECRET_KEY") == DEV_SECRET_KEY:
            raise ConfigError("production refuses to start without SECRET_KEY")
        if config.get("KAOPING_TODAY"):
            raise ConfigError("KAOPING_TODAY fixes the date for demos and tests; production refuses it")
        if config.get("DEMO_CLOCK_ENABLED"):
            raise ConfigError("the demo clock cannot be enabled in production")


CONFIGS: dict[str, type[BaseConfig]] = {
    cls.NAME: cls for cls in (DevelopmentConfig, TestingConfig, ProductionConfig)
}


def config_for(
    name: str | None, instance_path: str | Path, environ: Mapping[str, str] | None = None
) -> BaseConfig:
    """Build the settings object named by ``name`` or ``KAOPING_CONFIG`` (default: development)."""
    env = os.environ if environ is None else environ
    key = (name or env.get("KAOPING_CONFIG") or "development").strip().lower()
    try:
        cls = CONFIGS[key]
    except KeyError:
        raise ConfigError(f"KAOPING_CONFIG must be one of {sorted(CONFIGS)}, got {key!r}") from None
    return cls(instance_path, env)
