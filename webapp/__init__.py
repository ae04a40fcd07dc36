"""Kaoping web application: create_app() reads like a table of contents."""

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
    )
    if test_config:
        app.config.update(test_config)

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app
