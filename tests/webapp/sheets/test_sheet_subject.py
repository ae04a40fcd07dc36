"""Score sheets are generic over their subject (issue 8): the sheet code imports nothing of grading; the procedure
registered for sheets hands it the subject's title, panel, scheme and the reason (with its rule) a sheet is closed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.webapp.sheets import world as w
from webapp.scoring.models import SheetKind
from webapp.scoring.services.scoresheets import exports, operations, subject
from webapp.scoring.services.scoresheets.errors import SheetRefused
from webapp.scoring.services.scoresheets.operations import JsonInput
from webapp.scoring.services.scoresheets.store import find
from webapp.scoring.services.scoresheets.subject import Closed, SheetSubject


class Retitled:
    """The registered procedure, with another title and other closing words: what the sheets show must follow."""

    def __init__(self, inner: subject.SheetProcedure) -> None:
        self.inner = inner

    def subject(self, subject_id: int) -> SheetSubject | None:
        found = self.inner.subject(subject_id)
        if found is None:
            return None
        closed = {kind: Closed("本对象现在不填写评分表。", "TEST-1") for kind in found.closed}
        return replace(found, title="测试对象", closed=closed)

    def __getattr__(self, name: str):  # noqa: ANN204 - access, pin_scheme, scheme_users as registered
        return getattr(self.inner, name)


def test_file_names_and_closing_rules_come_from_the_subjects_procedure(world, monkeypatch):  # noqa: ANN001
    """ARC-10.1.4: the self-check closes once acceptance is requested — said in the procedure's words and rule."""
    with world.app_context():
        case_id = w.review_case()
        monkeypatch.setitem(subject._procedures, "case", Retitled(subject.procedure("case")))
        self_sheet = find(case_id, SheetKind.SELF)
        assert self_sheet is not None
        name, _ = exports.export_xlsx(w.user(w.UNIT), self_sheet.id)
        assert name.startswith("测试对象-") and name.endswith(".xlsx")
        with pytest.raises(SheetRefused) as refused:
            operations.save_sheet(w.user(w.UNIT), self_sheet.id, JsonInput({}))
        assert (refused.value.status, refused.value.code) == (409, "sheet_closed")
        assert (refused.value.message, refused.value.rule) == ("本对象现在不填写评分表。", "TEST-1")


def test_grading_hands_the_case_to_the_sheets_in_its_own_words(world):  # noqa: ANN001
    """Without the stand-in: the case's organ, level and kind name the files; ARC-10.1.4 closes the self-check."""
    with world.app_context():
        case_id = w.review_case()
        self_sheet = find(case_id, SheetKind.SELF)
        assert self_sheet is not None
        name, _ = exports.export_xlsx(w.user(w.UNIT), self_sheet.id)
        assert name.startswith("夷陵区财政局-省二级") and "自查" in name
        with pytest.raises(SheetRefused) as refused:
            operations.save_sheet(w.user(w.UNIT), self_sheet.id, JsonInput({}))
        assert refused.value.rule == "ARC-10.1.4" and "提出验收申请前填写" in refused.value.message
