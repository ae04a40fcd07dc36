"""A backup restores into a fresh database and a fresh folder, and the app finds everything in it again.

Runs on SQLite (the online backup API) and, in the PostgreSQL pass, on PostgreSQL (pg_dump -Fc / pg_restore into a
new database): the same commands docs/operations.md gives, `kaoping backup DIR` and `kaoping restore DIR`.
"""

from __future__ import annotations

import hashlib
import io
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, url_for
from werkzeug.datastructures import FileStorage

from tests.factories import make_test_app
from webapp.articles.models import Article, ArticleAttachment
from webapp.articles.services import attachments as article_attachments
from webapp.articles.services import permissions as article_permissions
from webapp.campaigns.models import CampaignEvidence, CampaignUnit
from webapp.campaigns.services import evidence
from webapp.campaigns.services import permissions as campaign_permissions
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services import uploads
from webapp.demo import DEMO_PASSWORD, load_demo
from webapp.grading.models import Attachment, Case
from webapp.scoring.models import ScoreSheet

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DEMO = {"DEMO_CASES": True, "DEMO_ARTICLES": True, "DEMO_CAMPAIGNS": True}


def _app(folder: Path) -> Flask:
    folder.mkdir()
    return make_test_app(
        folder,
        own_database=True,
        UPLOAD_FOLDER=str(folder / "uploads"),
        RULESET_FOLDER=str(folder / "rulesets"),
        **DEMO,
    )


def _pdf(name: str, marker: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(PDF + f"% {marker}\n".encode()), filename=name)


def _attach_an_article_file() -> None:
    users = db.session.scalars(sa.select(User).order_by(User.id)).all()
    for article in db.session.scalars(
        sa.select(Article).where(Article.state.in_(("draft", "returned"))).order_by(Article.id)
    ):
        for user in users:
            if article_permissions.can_attach(user, article):
                article_attachments.add_attachment(user, article.id, _pdf("稿件附件.pdf", "article"))
                return
    raise AssertionError("the article demo has no article a user may attach a file to")


def _add_campaign_evidence() -> None:
    """A material of a campaign unit, uploaded by the unit's own filler. The demo's units have all submitted their
    self-assessment (materials closed, STA-4.2), so the row is written as `evidence.add` writes it rather than
    through the service: this test is about what a backup keeps, not about when materials may change."""
    users = db.session.scalars(sa.select(User).order_by(User.id)).all()
    for cu in db.session.scalars(sa.select(CampaignUnit).order_by(CampaignUnit.id)):
        for user in users:
            mine = campaign_permissions.unit_of(user, cu.campaign)
            if mine is not None and mine.id == cu.id:
                saved = uploads.store_upload(
                    "佐证材料.pdf", PDF + b"% evidence\n", evidence.accepted_extensions()
                )
                db.session.add(
                    CampaignEvidence(
                        campaign_unit_id=cu.id,
                        position=1,
                        title="年度工作总结",
                        dated=date(2026, 12, 20),
                        original_filename=saved.checked.filename,
                        stored_filename=saved.stored,
                        size=saved.size,
                        sha256=saved.sha256,
                        content_type=saved.checked.mime,
                        uploaded_by_id=user.id,
                        at=clock.now(),
                    )
                )
                return
    raise AssertionError("the campaign demo has no unit with a filler")


def _every_row() -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows in primary-key order: what "contents equal" compares."""
    rows = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        rows[table.name] = [tuple(row) for row in db.session.execute(sa.select(table).order_by(*order))]
    return rows


def _files() -> list[tuple[str, str, str, str]]:
    """(endpoint, url, uploader, sha256) of every stored file, each with the route that serves it."""
    files = []
    for row in db.session.scalars(sa.select(Attachment).order_by(Attachment.id)):
        url = url_for("cases.download", case_id=row.case_id, attachment_id=row.id)
        files.append(("case", url, row.uploaded_by.username, row.sha256))
    for row in db.session.scalars(sa.select(ArticleAttachment).order_by(ArticleAttachment.id)):
        url = url_for("articles.download", article_id=row.article_id, attachment_id=row.id)
        files.append(("article", url, row.uploaded_by.username, row.sha256))
    for row in db.session.scalars(sa.select(CampaignEvidence).order_by(CampaignEvidence.id)):
        url = url_for("campaigns_unit.download", cu_id=row.campaign_unit_id, evidence_id=row.id)
        files.append(("evidence", url, row.uploaded_by.username, row.sha256))
    return files


def _counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
        for model in (Case, Article, ScoreSheet, Attachment, ArticleAttachment, CampaignEvidence)
    }


def test_a_backup_restores_into_a_fresh_database_and_folder_with_every_case_article_sheet_and_file(
    tmp_path: Path,
) -> None:
    live = _app(tmp_path / "live")
    with live.app_context():
        db.create_all()
        load_demo()
        _attach_an_article_file()
        _add_campaign_evidence()
        db.session.commit()
    with live.test_request_context():
        counts, rows, files = _counts(), _every_row(), _files()
    assert all(counts[name] > 0 for name in counts), counts
    assert {kind for kind, *_ in files} == {"case", "article", "evidence"}

    backup_dir = tmp_path / "backup"
    result = live.test_cli_runner().invoke(args=["backup", str(backup_dir)])
    assert result.exit_code == 0, result.output
    with live.app_context():
        db.session.remove()
        db.engine.dispose()

    restored = _app(tmp_path / "restored")  # a new empty database, new empty folders
    result = restored.test_cli_runner().invoke(args=["restore", str(backup_dir)])
    assert result.exit_code == 0, result.output

    with restored.test_request_context():
        assert _counts() == counts
        assert _every_row() == rows
        assert _files() == files
    client = restored.test_client()
    for kind, url, uploader, sha256 in files:
        client.post("/auth/login", data={"username": uploader, "password": DEMO_PASSWORD})
        response = client.get(url)
        assert response.status_code == 200, (kind, url)
        assert hashlib.sha256(response.data).hexdigest() == sha256, (kind, url)
        client.post("/auth/logout")
    with restored.app_context():
        db.session.remove()
        db.engine.dispose()


def test_restore_refuses_a_database_that_is_not_empty(tmp_path: Path) -> None:
    """Never mixes a backup with live rows: the target must be a new database."""
    live = _app(tmp_path / "live")
    with live.app_context():
        db.create_all()
        load_demo()
    result = live.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output
    result = live.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
    assert result.exit_code != 0
    assert "不是空" in result.output or "已存在" in result.output
    with live.app_context():
        db.session.remove()
        db.engine.dispose()
