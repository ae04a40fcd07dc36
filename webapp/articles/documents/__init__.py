"""An issue of an office's publication (期刊) as a printed internal information bulletin: .docx and PDF.

No database and no request here: `webapp.articles.services.issue_exports` builds `IssueDocument` from the issue
after the permission check, and these modules lay it out.

- data.py  `IssueDocument` / `IssueEntry`: what is printed, and the words of the layout (dates, source line)
- pdf.py   the PDF (ReportLab, the project's embedded CJK font)
- docx.py  the Word document (python-docx)
The official layout the issue's and the ledger bulletin's PDFs share (GB/T 9704-2012: type area, red masthead
and rule, draft watermark) is `webapp.core.documents.official`: the campaign bulletin uses it too.

Beside them, not imported here (matplotlib loads on first use): charts.py, a ledger period's charts (points by
unit, by month, adoptions by publication) as PNG for a report, and the month chart as inline SVG for a unit.
"""

from webapp.articles.documents.data import IssueDocument, IssueEntry, chinese_date, masthead_name
from webapp.articles.documents.docx import issue_docx
from webapp.articles.documents.pdf import issue_pdf

__all__ = ["IssueDocument", "IssueEntry", "chinese_date", "issue_docx", "issue_pdf", "masthead_name"]
