"""An issue exported as .docx or PDF, after the permission check: only a person who may see the issue and every
article in it downloads it (an issue holding a 秘密 item is marked 秘密 and goes to nobody else). A locked issue
prints as locked, with its corrections (勘误); one still being assembled prints with the watermark 草稿.

A download changes nothing (GET): it writes no audit row.
"""

from __future__ import annotations

from dataclasses import dataclass

from webapp.articles.documents.data import IssueDocument, IssueEntry, chinese_date
from webapp.articles.models import PublicationIssue
from webapp.articles.services import permissions
from webapp.articles.services.errors import Refused
from webapp.articles.services.issues import load
from webapp.core import clock
from webapp.core.models import User
from workflow.articles import SECRECY_LABELS
from workflow.errors import Refusal

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes
    mimetype: str


def document_of(issue: PublicationIssue) -> IssueDocument:
    """What the issue prints (no permission check: callers have made it)."""
    entries = [
        IssueEntry(number=item.position, title=item.title, body=item.body, source=item.source)
        for item in sorted(issue.items, key=lambda i: i.position)
        if item.withdrawn_at is None
    ]
    corrections = [
        f"{chinese_date(clock.local(c.at).date())}　{c.change}。原因：{c.reason}"  # type: ignore[union-attr]
        for c in issue.corrections
    ]
    return IssueDocument(
        publication=issue.publication.name,
        office=issue.publication.office.name,
        number_label=issue.print_label,
        issued_on=issue.issued_on,
        secrecy_label=SECRECY_LABELS.get(issue.secrecy, "秘密"),
        draft=issue.state != "locked",
        entries=entries,
        editor_note=issue.editor_note,
        corrections=corrections,
        distribution=issue.distribution,
        copies=issue.copies,
    )


def export(user: User | None, issue_id: int, fmt: str) -> Export:
    """The issue as ``fmt`` (``pdf`` or ``docx``) for ``user``; NotFound / Refused (403) otherwise."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    issue = load(user, issue_id)
    if not permissions.can_download_issue(user, issue):
        raise Refused(
            Refusal(
                "forbidden",
                f"本期密级为{SECRECY_LABELS.get(issue.secrecy, '秘密')}，含有您无权查看的稿件，不能下载。",
                None,
            )
        )
    document = document_of(issue)
    return Export(f"{document.filename_stem}.{fmt}", render(document, fmt), FORMATS[fmt])


def render(document: IssueDocument, fmt: str) -> bytes:
    """The file's bytes; its renderer, and the library under it, load here on first use (docs/architecture.md)."""
    if fmt == "pdf":
        from webapp.articles.documents.pdf import issue_pdf

        return issue_pdf(document)
    from webapp.articles.documents.docx import issue_docx

    return issue_docx(document)
