"""An article's attachments: images and documents the unit sends with its text (photos of an event, the
document an experience comes from). The unit's officer adds and removes them while the unit holds the article
(draft or returned, `permissions.can_attach`); whoever may read the article may download them.

Each file is checked by its content (`webapp.core.services.uploads`: the one check every upload uses) and only
images and documents are taken, stored under ``UPLOAD_FOLDER`` by a content-derived name (never the typed one).
A file written before a failed commit is removed; a removed attachment keeps its row (name, size, hash: the
record of what was sent) and loses its bytes after the commit. Every change writes the article's audit row.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from werkzeug.datastructures import FileStorage

from webapp.articles.models import Article, ArticleAttachment
from webapp.articles.services import permissions
from webapp.articles.services.articles import SUBJECT, check_version, load, unit_of_work
from webapp.articles.services.errors import Refused
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import User
from webapp.core.services import uploads
from webapp.core.services.audit import append_event
from webapp.core.services.errors import InvalidInput, NotFound
from workflow.errors import Refusal

#: Images and documents; archives and anything else are not an article's attachment.
ARTICLE_EXTENSIONS = frozenset({"pdf", "ofd", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png"})
#: An article with more files than this is a folder, not an article.
MAX_ATTACHMENTS = 20


def accepted_extensions() -> frozenset[str]:
    """The deployment's allowed upload types that are images or documents."""
    return frozenset(current_app.config["ALLOWED_UPLOAD_EXTENSIONS"]) & ARTICLE_EXTENSIONS


def accepted_text() -> str:
    """「PDF（.pdf）、Word（.doc、.docx）…」 for the upload field's help text."""
    return uploads.allowed_text(accepted_extensions())


def _refused(article: Article) -> Refused:
    return Refused(
        Refusal(
            "forbidden",
            f"稿件当前状态为“{article.state_label}”，只有本单位信息员在草稿或退改时可以增删附件。",
            None,
        )
    )


def attachments_of(article_id: int) -> list[ArticleAttachment]:
    """The article's attachments in the order added (removed ones left out)."""
    return list(
        db.session.scalars(
            sa.select(ArticleAttachment)
            .where(ArticleAttachment.article_id == article_id, ArticleAttachment.deleted_at.is_(None))
            .order_by(ArticleAttachment.id)
        )
    )


def add_attachment(
    user: User, article_id: int, file: FileStorage | None, *, expected_version: int | None = None
) -> ArticleAttachment:
    """Check ``file`` by its content, store it, record it and its audit row, in one transaction."""
    if file is None or not getattr(file, "filename", None):
        raise InvalidInput("请选择要上传的文件。", field="file")
    written: list[Path] = []
    try:
        with unit_of_work():
            article = load(user, article_id, lock=True)
            check_version(article, expected_version)
            if not permissions.can_attach(user, article):
                raise _refused(article)
            count = db.session.scalar(
                sa.select(sa.func.count(ArticleAttachment.id)).where(
                    ArticleAttachment.article_id == article.id, ArticleAttachment.deleted_at.is_(None)
                )
            )
            if (count or 0) >= MAX_ATTACHMENTS:
                raise InvalidInput(
                    f"每篇稿件最多{MAX_ATTACHMENTS}个附件，请先删除不需要的附件。", field="file"
                )
            saved = uploads.store_upload(file.filename or "", file.read(), accepted_extensions())
            written.append(saved.path)
            attachment = ArticleAttachment(
                article_id=article.id,
                original_filename=saved.checked.filename,
                stored_filename=saved.stored,
                size=saved.size,
                sha256=saved.sha256,
                content_type=saved.checked.mime,  # the checked type, never the browser's
                uploaded_by_id=user.id,
                at=clock.now(),
            )
            db.session.add(attachment)
            db.session.flush()
            append_event(
                SUBJECT,
                article.id,
                "attachment_added",
                actor=user,
                from_state=article.state,
                to_state=article.state,
                comment=f"上传附件：{saved.checked.filename}",
            )
    except BaseException:
        uploads.remove_files([*written])
        raise
    return attachment


def _attachment(article: Article, attachment_id: int) -> ArticleAttachment:
    attachment = db.session.get(ArticleAttachment, attachment_id)
    if attachment is None or attachment.article_id != article.id or attachment.deleted_at is not None:
        raise NotFound("附件不存在或您无权查看。")
    return attachment


def remove_attachment(
    user: User, article_id: int, attachment_id: int, *, expected_version: int | None = None
) -> ArticleAttachment:
    """Remove an attachment while the unit holds the article: the row is kept (marked removed) with its audit
    row; the bytes leave the disk after the commit."""
    with unit_of_work():
        article = load(user, article_id, lock=True)
        attachment = _attachment(article, attachment_id)
        check_version(article, expected_version)
        if not permissions.can_attach(user, article):
            raise _refused(article)
        attachment.deleted_at = clock.now()
        append_event(
            SUBJECT,
            article.id,
            "attachment_removed",
            actor=user,
            from_state=article.state,
            to_state=article.state,
            comment=f"删除附件：{attachment.original_filename}",
        )
    uploads.remove_files([uploads.upload_folder() / attachment.stored_filename])
    return attachment


def attachment_file(user: User | None, article_id: int, attachment_id: int) -> tuple[ArticleAttachment, Path]:
    """An attachment and the path of its bytes, if ``user`` may read the article (NotFound otherwise)."""
    article = load(user, article_id)
    attachment = _attachment(article, attachment_id)
    path = uploads.upload_folder() / attachment.stored_filename
    if not path.is_file():
        raise NotFound("附件文件已丢失，请联系管理员。")
    return attachment, path
