"""A campaign's bulletin (通报) of its approved results: what it prints (bulletin.py), as an Excel workbook
(xlsx.py) and as a PDF in the official layout (pdf.py, on `webapp.core.documents.official`).

No database and no request here: the views build `BulletinDocument` from the frozen result after the permission
check, and the page, the .xlsx and the PDF all lay out the same document, so they cannot disagree.
"""
