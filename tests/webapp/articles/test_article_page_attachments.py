"""Attachments of an article on its page: images and documents checked by content, added and removed by the unit's
officer while the unit holds the article, downloaded by whoever may read it (as a download, type fixed)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.webapp.articles.unit_helpers import login, page, walk
from webapp.articles.models import Article, ArticleAttachment
from webapp.articles.services import articles
from webapp.core.extensions import db
from webapp.core.services.audit import trail_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n%demo\n"


def _version(client, article_id: int) -> int:  # noqa: ANN001
    with client.application.app_context():
        return db.session.get(Article, article_id).version_id


def _upload(client, article_id: int, data: bytes, name: str, version: int | None = None):  # noqa: ANN001, ANN201
    return client.post(
        f"/articles/{article_id}/attachments",
        data={"file": (io.BytesIO(data), name), "version": str(version or _version(client, article_id))},
        content_type="multipart/form-data",
    )


def _attachments(client, article_id: int) -> list[ArticleAttachment]:  # noqa: ANN001
    with client.application.app_context():
        return list(
            db.session.scalars(sa.select(ArticleAttachment).where(ArticleAttachment.article_id == article_id))
        )


def test_the_officer_adds_a_photo_which_readers_download_as_a_file(world, client):
    with client.application.app_context():
        article_id = walk(world, "draft")
    login(client, "officer-a")
    response = _upload(client, article_id, PNG, "现场照片.png")
    assert response.status_code == 302
    [attachment] = _attachments(client, article_id)
    assert (attachment.content_type, attachment.size) == ("image/png", len(PNG))
    assert "现场照片.png" in page(client.get(f"/articles/{article_id}"))
    download = client.get(f"/articles/{article_id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == PNG
    assert download.headers["Content-Type"] == "image/png"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    with client.application.app_context():
        assert trail_of("article", article_id)[-1].event == "attachment_added"


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 60, "不接受扩展名为“.exe”的文件"),
        ("page.html", b"<html><script>alert(1)</script></html>", "“.html”"),
        ("材料.zip", b"PK\x05\x06" + b"\x00" * 18, "“.zip”"),  # an archive is not an article's attachment
        ("照片.png", "只是文字".encode(), "文件内容不是可接受的格式"),
        ("照片.pdf", PNG, "与其内容（PNG图片）不符"),
    ],
)
def test_a_refused_file_says_why_beside_the_field_and_nothing_is_stored(world, client, name, data, words):
    with client.application.app_context():
        article_id = walk(world, "draft")
    login(client, "officer-a")
    response = _upload(client, article_id, data, name)
    text = page(response)
    assert response.status_code == 400
    assert words in text.split('data-testid="upload-form"')[1].split("</form>")[0]
    assert _attachments(client, article_id) == []
    folder = Path(client.application.config["UPLOAD_FOLDER"])
    assert not folder.exists() or not any(folder.iterdir())


def test_no_file_chosen_is_said_beside_the_field(world, client):
    with client.application.app_context():
        article_id = walk(world, "draft")
    login(client, "officer-a")
    response = client.post(
        f"/articles/{article_id}/attachments", data={"version": _version(client, article_id)}
    )
    assert response.status_code == 400 and "请选择要上传的文件" in page(response)


def test_the_officer_removes_an_attachment_while_the_unit_holds_the_article(world, client):
    with client.application.app_context():
        article_id = walk(world, "draft")
    login(client, "officer-a")
    _upload(client, article_id, PDF, "原始材料.pdf")
    [attachment] = _attachments(client, article_id)
    stored = Path(client.application.config["UPLOAD_FOLDER"]) / attachment.stored_filename
    assert stored.is_file()
    response = client.post(
        f"/articles/{article_id}/attachments/{attachment.id}/delete",
        data={"version": _version(client, article_id)},
    )
    assert response.status_code == 302
    [kept] = _attachments(client, article_id)
    assert kept.deleted_at is not None and not stored.exists()  # the record stays, the bytes go
    assert (
        "原始材料.pdf"
        not in page(client.get(f"/articles/{article_id}")).split('id="attachments"')[1].split("</section>")[0]
    )
    assert client.get(f"/articles/{article_id}/attachments/{attachment.id}").status_code == 404


def test_attachments_are_fixed_once_the_article_is_sent(world, client):
    with client.application.app_context():
        article_id = walk(world, "draft")
    login(client, "officer-a")
    _upload(client, article_id, PDF, "原始材料.pdf")
    [attachment] = _attachments(client, article_id)
    with client.application.app_context():
        articles.fire(world.officer_a, article_id, "submit")
    assert 'data-testid="upload-form"' not in page(client.get(f"/articles/{article_id}"))
    assert _upload(client, article_id, PNG, "补充.png").status_code == 403
    response = client.post(
        f"/articles/{article_id}/attachments/{attachment.id}/delete",
        data={"version": _version(client, article_id)},
    )
    assert response.status_code == 403
    login(client, "signer-a")  # the leader reads it with its attachment
    assert client.get(f"/articles/{article_id}/attachments/{attachment.id}").status_code == 200


def test_other_units_and_wrong_pairs_get_404(world, client):
    with client.application.app_context():
        article_id = walk(world, "draft")
        other_id = walk(world, "draft", title="另一篇")
    login(client, "officer-a")
    _upload(client, article_id, PDF, "原始材料.pdf")
    [attachment] = _attachments(client, article_id)
    assert client.get(f"/articles/{other_id}/attachments/{attachment.id}").status_code == 404
    login(client, "officer-b")
    assert client.get(f"/articles/{article_id}/attachments/{attachment.id}").status_code == 404
    assert _upload(client, article_id, PNG, "x.png", version=1).status_code == 404


def test_an_upload_too_large_is_said_beside_the_field(world, client):
    with client.application.app_context():
        article_id = walk(world, "draft")
    client.application.config["MAX_CONTENT_LENGTH"] = 1024
    login(client, "officer-a")
    response = _upload(client, article_id, PDF + b"0" * 4096, "大文件.pdf")
    assert response.status_code == 413 and "超过上限（1 KiB）" in page(response)
    assert _attachments(client, article_id) == []
