"""Flask settings, one class per environment.

Environment variables are read when a config object is *built* (not at import time), so tests and the CLI can
change them without reloading modules:

- ``KAOPING_CONFIG``   development (default) | testing | production
- ``SECRET_KEY``       required in production (at least 32 characters); in development, when unset, a random
  key is made on first run and kept in ``instance/secret_key`` (mode 0600)
- ``DATABASE_URL``     any SQLAlchemy URL; default: SQLite file ``instance/kaoping.sqlite3``
- ``KAOPING_TODAY``    YYYY-MM-DD fixes "today" for demos and tests; refused by production
- ``KAOPING_PROXY_HOPS`` how many reverse proxies (nginx: 1) set ``X-Forwarded-For`` in front of the app; the
  login lock and the audit trail then see the client's address instead of the proxy's (default 0: none)
- ``KAOPING_SQL_COUNT`` 1 adds ``X-SQL-Statements`` (statements per request) to every response (`make bench`)
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

#: the shortest SECRET_KEY production accepts (the key signs every session cookie)
MIN_SECRET_KEY_LENGTH = 32
#: the development key's file in the instance folder, made on first run
SECRET_KEY_FILE = "secret_key"


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


def instance_secret_key(instance: Path) -> str:
    """The key in ``instance/secret_key``, made on first run: 32 random bytes as hex, readable by the owner only.
    Never a constant in the source, so no two installations share one and nobody can forge a login cookie."""
    path = instance / SECRET_KEY_FILE
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    if len(key) >= MIN_SECRET_KEY_LENGTH:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
        return key
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        # O_EXCL: two processes starting at once agree on the first one's key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        existing = path.read_text(encoding="ascii").strip()
        if len(existing) >= MIN_SECRET_KEY_LENGTH:
            return existing
        path.unlink()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def parse_proxy_hops(value: Any) -> int:
    """``KAOPING_PROXY_HOPS`` as 0–5. Raises ConfigError on anything else."""
    if value in (None, ""):
        return 0
    try:
        hops = int(str(value).strip())
    except ValueError:
        hops = -1
    if not 0 <= hops <= 5:
        raise ConfigError(f"KAOPING_PROXY_HOPS must be a whole number 0-5, got {value!r}")
    return hops


def parse_folder(name: str, value: str | None, default: Path) -> str:
    """A folder the app writes (uploads, registered rulesets): ``default`` under ``instance/`` unless the variable
    names another one, which must be absolute (a relative one would depend on where the server was started)."""
    if value is None or not value.strip():
        return str(default)
    folder = Path(value.strip()).expanduser()
    if not folder.is_absolute():
        raise ConfigError(f"{name} must be an absolute path, got {value!r}")
    return str(folder)


class BaseConfig:
    #: name used in logs and by ``config_for``
    NAME = "base"
    DEBUG = False
    TESTING = False
    #: the demo clock offset (admin page 「演示日期」) is honoured only where this is True
    DEMO_CLOCK_ENABLED = False
    TIMEZONE = "Asia/Shanghai"
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    #: no ``pool_pre_ping``: a pooled connection is pinged only after it sat idle (webapp/core/pool_check.py)
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
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
    # Flask-Login's REMEMBER_COOKIE_* are not used: "remember me" is webapp.core.services.sessions' own rotating,
    # expiring, server-side token (cookie kaoping_remember), never honoured under /api/
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
        self.KAOPING_PROXY_HOPS = parse_proxy_hops(env.get("KAOPING_PROXY_HOPS"))
        self.UPLOAD_FOLDER = parse_folder(
            "KAOPING_UPLOAD_FOLDER", env.get("KAOPING_UPLOAD_FOLDER"), instance / "uploads"
        )
        #: rulesets registered with `kaoping ruleset use FILE` (the shipped ones stay in config/rulesets/)
        self.RULESET_FOLDER = parse_folder(
            "KAOPING_RULESET_FOLDER", env.get("KAOPING_RULESET_FOLDER"), instance / "rulesets"
        )
        if not self.SECRET_KEY:
            self.SECRET_KEY = self.default_secret_key(instance)

    def default_secret_key(self, instance: Path) -> str | None:
        """No key in the environment: a random one for this process (tests); development keeps one on disk."""
        return secrets.token_hex(32)

    @classmethod
    def check(cls, config: Mapping[str, Any]) -> None:
        """Refuse unusable final settings (after test overrides)."""
        parse_today(config.get("KAOPING_TODAY"))
        parse_proxy_hops(config.get("KAOPING_PROXY_HOPS"))


class DevelopmentConfig(BaseConfig):
    NAME = "development"
    # DEBUG stays off so the Chinese error pages show in demos; `kaoping run --debug` turns the debugger on.
    TEMPLATES_AUTO_RELOAD = True
    DEMO_CLOCK_ENABLED = True

    def default_secret_key(self, instance: Path) -> str | None:
        return instance_secret_key(instance)


class TestingConfig(BaseConfig):
    NAME = "testing"
    TESTING = True
    DEMO_CLOCK_ENABLED = True
    #: tests post forms without tokens; one test turns CSRF back on to prove it is enforced
    WTF_CSRF_ENABLED = False
    #: cheap hashes keep the suite fast; never used outside tests
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


class ProductionConfig(BaseConfig):
    NAME = "production"
    DEMO_CLOCK_ENABLED = False
    # served over HTTPS behind the load balancer
    SESSION_COOKIE_SECURE = True

    def default_secret_key(self, instance: Path) -> str | None:
        return None

    @classmethod
    def check(cls, config: Mapping[str, Any]) -> None:
        super().check(config)
        if not config.get("SECRET_KEY"):
            raise ConfigError("production refuses to start without SECRET_KEY")
        if len(str(config.get("SECRET_KEY"))) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                f"production refuses a SECRET_KEY shorter than {MIN_SECRET_KEY_LENGTH} characters "
                "(e.g. python -c 'import secrets; print(secrets.token_hex(32))')"
            )
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
