"""Score sheets (评分表) on a subject of a procedure — a grading case today — split by job:

- `subject`: what the procedure hands the sheet code (`SheetSubject`: title, level, scheme, panel, the reasons a
  sheet is closed; access from `webapp.scoring.permissions`) through the one registered `SheetProcedure`;
- `entries`: sheet JSON ↔ engine entries ↔ form fields, and reading a form or a JSON body into sheet JSON;
- `checks`: the ONE validation of entries, used by the pages and the API alike, and what stops a submission;
- `store`: loading and storing sheets; `operations`: start, save, submit, reopen, pre-fill, import;
- `agreed`: the agreed sheet (majority pre-fill, the spread between reviewers, the conclusion it gives);
- `exports`: .xlsx out; `pages`: what the pages and the API read.

Nothing here imports a procedure: the procedure registers itself (`subject.register_procedure`).
"""
