"""An issue of an office's publication (期刊) as a printed internal information bulletin: .docx and PDF.

No database and no request here: `webapp.articles.services.issue_exports` builds `IssueDocument` from the issue
after the permission check, and these modules lay it out.

- data.py  `IssueDocument` / `IssueEntry`: what is printed, and the words of the layout (dates, source line)
- pdf.py   the PDF (ReportLab, the project's embedded CJK font)
- docx.py  the Word document (python-docx)
The official layout the issue's and the ledger bulletin's PDFs share (GB/T 9704-2012: type area, red masthead
and rule, draft watermark) is `webapp.core.documents.official`: the campaign bulletin uses it too.

This package imports none of them: pdf.py and docx.py load ReportLab and python-docx, which starting the app must
not pay for (docs/architecture.md, "Documents"). Callers import data.py at the top and a renderer in the function
that makes the file.

Beside them (matplotlib loads on first use): charts.py, a ledger period's charts (points by
unit, by month, adoptions by publication) as PNG for a report, and the month chart as inline SVG for a unit.
"""
