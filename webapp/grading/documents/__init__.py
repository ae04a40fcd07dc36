"""Printed and downloadable documents of the archive-grading procedure, rendered from plain data.

No database and no request here: callers (services, views) build the dataclasses from their models.

- letters.py       确认函, the approving bureau's confirmation letter (ARC-10.5.4)
- certificates.py  等级证书 / 复查合格证书, issued by the provincial bureau (ARC-10.5.5, ARC-11.4)
- summary.py       the city bureau's annual approvals summary due before 12月20日 (ARC-10.5.3, GAP-19)
- review.py        评审结论, the panel's review conclusion with the score table (ARC-10.4.5)
- fonts.py         the embedded CJK font for all PDFs
"""

from webapp.grading.documents.certificates import CertificateData, certificate_pdf
from webapp.grading.documents.letters import LetterData, confirmation_letter_pdf
from webapp.grading.documents.review import (
    PanelMember,
    ReviewData,
    ReviewItem,
    ReviewSection,
    review_conclusion_pdf,
)
from webapp.grading.documents.summary import (
    SummaryData,
    SummaryRow,
    annual_summary_counts,
    annual_summary_rows,
    annual_summary_xlsx,
)

__all__ = [
    "CertificateData",
    "LetterData",
    "PanelMember",
    "ReviewData",
    "ReviewItem",
    "ReviewSection",
    "SummaryData",
    "SummaryRow",
    "annual_summary_counts",
    "annual_summary_rows",
    "annual_summary_xlsx",
    "certificate_pdf",
    "confirmation_letter_pdf",
    "review_conclusion_pdf",
]
