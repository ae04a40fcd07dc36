"""Helpers for browser tests: screenshots and logging in through the real form."""

from __future__ import annotations

from pathlib import Path

#: screenshots land here (git-ignored)
ARTIFACTS = Path(__file__).parent / "artifacts"


def shot(page, name: str) -> Path:  # noqa: ANN001 - a Playwright page
    """Save a full-page screenshot to tests/browser/artifacts/<name>.png (git-ignored) and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, username: str, password: str = "kaoping-demo") -> None:  # noqa: ANN001
    page.goto("/auth/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-form button[type=submit]")
