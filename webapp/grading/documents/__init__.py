"""Printed and downloadable documents of the archive-grading procedure, rendered from plain data.

No database and no request here: callers (services, views) build the dataclasses from their models.

- letters.py       确认函, the approving bureau's confirmation letter (ARC-10.5.4)
- certificates.py  等级证书 / 复查合格证书, issued by the provincial bureau (ARC-10.5.5, ARC-11.4)
- summary.py       the city bureau's annual approvals summary due before 12月20日 (ARC-10.5.3, GAP-19): its rows,
                   counts and words; summary_xlsx.py lays it out for Excel
- review.py        评审结论, the panel's review conclusion with the score table (ARC-10.4.5)
- case_list.py     the case list as a workbook

This package imports none of them: they load ReportLab or openpyxl, which starting the app must not pay for
(docs/architecture.md, "Documents"). A service imports a renderer in the function that makes the file.
"""
