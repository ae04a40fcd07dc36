"""The key that signs sessions (issue 13; ASVS 2.10.4, 6.4.1): never a constant in the source; development makes
a random one on first run and keeps it in ``instance/secret_key`` (0600); production refuses to start without
one or with one shorter than 32 characters."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

import config.settings as settings_module
from config.settings import ConfigError, ProductionConfig, config_for


def test_development_makes_a_random_secret_on_first_run_and_keeps_it_private(tmp_path):
    first = config_for("development", tmp_path, environ={}).SECRET_KEY
    path = tmp_path / "secret_key"
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first == config_for("development", tmp_path, environ={}).SECRET_KEY  # the same on the next start


def test_two_installations_get_different_secrets(tmp_path):
    one = config_for("development", tmp_path / "a", environ={}).SECRET_KEY
    other = config_for("development", tmp_path / "b", environ={}).SECRET_KEY
    assert one != other


def test_a_readable_secret_file_is_made_private_again(tmp_path):
    config_for("development", tmp_path, environ={})
    (tmp_path / "secret_key").chmod(0o644)
    config_for("development", tmp_path, environ={})
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_the_environment_secret_wins_and_writes_no_file(tmp_path):
    assert config_for("development", tmp_path, environ={"SECRET_KEY": "k" * 40}).SECRET_KEY == "k" * 40
    assert not (tmp_path / "secret_key").exists()


def test_no_secret_constant_is_left_in_the_settings_source():
    source = Path(settings_module.__file__).read_text(encoding="utf-8")
    assert not hasattr(settings_module, "DEV_SECRET_KEY")
    assert not re.search(r"SECRET_KEY\s*=\s*[\"']", source)


@pytest.mark.parametrize(
    "secret, message",
    [(None, "without SECRET_KEY"), ("", "without SECRET_KEY"), ("short-but-set", "shorter than 32")],
)
def test_production_refuses_to_start_without_a_long_secret(tmp_path, secret, message):
    environ = {"KAOPING_CONFIG": "production"} | ({"SECRET_KEY": secret} if secret is not None else {})
    settings = config_for(None, tmp_path, environ=environ)
    assert not (tmp_path / "secret_key").exists()  # production never makes one up
    with pytest.raises(ConfigError, match=message):
        ProductionConfig.check(vars(settings) | {"DEMO_CLOCK_ENABLED": False})


def test_production_accepts_a_secret_of_32_characters(tmp_path):
    settings = config_for(None, tmp_path, environ={"KAOPING_CONFIG": "production", "SECRET_KEY": "s" * 32})
    ProductionConfig.check(vars(settings) | {"DEMO_CLOCK_ENABLED": False})
