from datetime import UTC, date, datetime

import pytest

from config.settings import ConfigError, DevelopmentConfig, ProductionConfig, config_for
from tests.factories import TODAY, make_test_app
from webapp import create_app
from webapp.core import clock
from webapp.core.services import demo_clock
from webapp.core.services.errors import ServiceError


def test_default_database_is_sqlite_under_instance(tmp_path):
    settings = config_for(None, tmp_path, environ={})
    assert isinstance(settings, DevelopmentConfig)
    assert f"sqlite:///{tmp_path / 'kaoping.sqlite3'}" == settings.SQLALCHEMY_DATABASE_URI
    assert settings.BOOTSTRAP_SERVE_LOCAL is True
    assert str(tmp_path / "uploads") == settings.UPLOAD_FOLDER


def test_the_files_folders_are_set_by_the_environment_as_absolute_paths(tmp_path):
    """Issue 12 (configuration by environment): uploads and registered rulesets may live on another disk."""
    elsewhere = tmp_path / "mnt"
    settings = config_for(
        "development",
        tmp_path,
        environ={
            "KAOPING_UPLOAD_FOLDER": str(elsewhere / "up"),
            "KAOPING_RULESET_FOLDER": f" {elsewhere / 'rs'} ",
        },
    )
    up, rs = str(elsewhere / "up"), str(elsewhere / "rs")
    assert (up, rs) == (settings.UPLOAD_FOLDER, settings.RULESET_FOLDER)
    unset = config_for("development", tmp_path, environ={"KAOPING_UPLOAD_FOLDER": ""})
    assert str(tmp_path / "uploads") == unset.UPLOAD_FOLDER
    with pytest.raises(ConfigError, match="KAOPING_UPLOAD_FOLDER must be an absolute path"):
        config_for("development", tmp_path, environ={"KAOPING_UPLOAD_FOLDER": "uploads"})


def test_database_url_selects_another_database(tmp_path):
    settings = config_for("development", tmp_path, environ={"DATABASE_URL": "postgresql://u:p@db/kaoping"})
    assert settings.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u:p@db/kaoping"


def test_kaoping_config_selects_the_class(tmp_path):
    assert isinstance(
        config_for(None, tmp_path, {"KAOPING_CONFIG": "production", "SECRET_KEY": "x"}), ProductionConfig
    )
    with pytest.raises(ConfigError):
        config_for(None, tmp_path, {"KAOPING_CONFIG": "staging"})


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("KAOPING_TODAY", raising=False)
    monkeypatch.setenv("KAOPING_CONFIG", "production")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_refuses_kaoping_today(monkeypatch, tmp_path):
    monkeypatch.setenv("KAOPING_CONFIG", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-of-at-least-32-characters")
    monkeypatch.setenv("KAOPING_TODAY", "2027-01-05")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    with pytest.raises(ConfigError, match="KAOPING_TODAY"):
        create_app()


def test_production_starts_with_a_secret_and_no_fixed_date(monkeypatch, tmp_path):
    monkeypatch.setenv("KAOPING_CONFIG", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-of-at-least-32-characters")
    monkeypatch.delenv("KAOPING_TODAY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    monkeypatch.setenv(
        "KAOPING_AUDIT_KEY", "an-audit-key-kept-outside-the-database-0123"
    )  # production needs one
    app = create_app()
    assert app.config["DEMO_CLOCK_ENABLED"] is False


def test_malformed_kaoping_today_is_a_startup_error(tmp_path):
    with pytest.raises(ConfigError, match="YYYY-MM-DD"):
        make_test_app(tmp_path, KAOPING_TODAY="5 Jan 2027")


def test_kaoping_today_fixes_today(app):
    with app.app_context():
        assert clock.today() == TODAY
        assert clock.is_fixed()


def test_now_is_utc_and_falls_on_today_in_shanghai(app):
    with app.app_context():
        moment = clock.now()
        assert moment.tzinfo is not None and moment.utcoffset().total_seconds() == 0
        assert clock.local(moment).date() == TODAY


def test_local_converts_utc_to_shanghai():
    shown = clock.local(datetime(2027, 1, 4, 17, 30, tzinfo=UTC))
    assert (shown.date(), shown.hour) == (date(2027, 1, 5), 1)


def test_without_kaoping_today_the_real_date_is_used(tmp_path):
    app = make_test_app(tmp_path, KAOPING_TODAY=None)
    with app.app_context():
        from webapp.core.extensions import db

        db.create_all()
        assert clock.today() == clock.real_today()
        assert not clock.is_fixed()


def test_demo_clock_offset_moves_today(app):
    with app.app_context():
        assert demo_clock.advance_demo_clock(7) == date(2027, 1, 12)
        assert clock.today() == date(2027, 1, 12)
        assert demo_clock.reset_demo_clock() == TODAY


def test_demo_clock_is_refused_where_disabled(app):
    app.config["DEMO_CLOCK_ENABLED"] = False
    with app.app_context(), pytest.raises(ServiceError):
        demo_clock.advance_demo_clock(7)


def test_demo_clock_offset_is_ignored_where_disabled(app):
    with app.app_context():
        demo_clock.advance_demo_clock(3)
    app.config["DEMO_CLOCK_ENABLED"] = False
    with app.app_context():
        assert clock.today() == TODAY


def test_footer_shows_the_demo_date(demo, client, auth):
    auth.login("unit-county")
    page = client.get("/").get_data(as_text=True)
    assert "演示日期：2027-01-05" in page


def test_admin_advances_the_demo_clock_from_the_admin_page(demo, client, auth):
    auth.login("admin")
    response = client.post(
        "/admin/clock", data={"action": "advance", "advance-days": "7"}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "今天是 2027-01-12" in page
    assert "演示日期：2027-01-12" in page
    client.post("/admin/clock", data={"action": "set", "set-target": "2027-03-01"})
    assert "演示日期：2027-03-01" in client.get("/").get_data(as_text=True)
    client.post("/admin/clock", data={"action": "reset"})
    assert "演示日期：2027-01-05" in client.get("/").get_data(as_text=True)


def test_demo_clock_page_is_absent_in_production_like_config(demo, client, auth):
    demo.config["DEMO_CLOCK_ENABLED"] = False
    auth.login("admin")
    assert client.get("/admin/clock").status_code == 404
