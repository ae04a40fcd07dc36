"""One name per thing (issue 7, point 17): the regulation's word for a document, a rule printed once, one number
format for a score, a level restriction said once."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from config.rulesets import load_ruleset
from config.schemes import load_scheme
from tests.webapp.views.bureau_cases import drive
from tests.webapp.views.case_walk import walk
from webapp.grading.models import ATTACHMENT_KINDS
from webapp.scoring.models import SHEET_KIND_LABELS, SheetKind
from webapp.scoring.xlsx.scheme_io import sheet_to_xlsx

ROOT = Path(__file__).resolve().parents[3]


def test_the_self_check_table_is_called_by_the_regulations_word_everywhere_arc_10_1_4():
    """ARC-10.1.4 「自查情况考评表」: the ruleset names it 自查评分表; uploads and score sheets take that name."""
    name = next(
        kind.name for kind in load_ruleset("hubei-2011").attachment_kinds if kind.id == "self_check_sheet"
    )
    assert name == "自查评分表"
    assert SHEET_KIND_LABELS[SheetKind.SELF] == name
    sources = [
        *ROOT.glob("templates/**/*.html"),
        *ROOT.glob("webapp/**/*.py"),
        *ROOT.glob("config/**/*.toml"),
    ]
    assert [str(path) for path in sources if "自检评分表" in path.read_text(encoding="utf-8")] == []


def test_every_attachment_kind_the_database_stores_is_named_by_the_ruleset():
    """The ruleset is the one place attachment kinds are named; every kind a case can store has a name."""
    ruleset = load_ruleset("hubei-2011")
    assert set(ruleset.attachment_names) == set(ATTACHMENT_KINDS)


def test_a_backdated_notice_refusal_names_its_rule_once_arc_10_3_1(demo, client, auth):
    """The batch page printed the message (which ends in · ARC-10.3.1) and the rule again as a badge."""
    with demo.app_context():
        ids = [drive("unit-county", to="prechecking"), drive("unit-town", to="prechecking")]
    auth.login("county-staff")
    data = {
        "case_ids": [str(i) for i in ids],
        "shown": [str(i) for i in ids],
        "opinion": "材料齐全，同意公示。",
    }
    html = client.post("/bureau/batch/publish", data={**data, "notice_start": "2027-01-01"}).get_data(
        as_text=True
    )
    refusals = re.findall(r'data-testid="refusal">(.*?)</td>', html, re.S)
    assert refusals and all(cell.strip() for cell in refusals)
    for cell in refusals:
        assert "公示开始日期2027-01-01早于今天" in cell
        assert cell.count("ARC-10.3.1") == 1, cell


def test_a_total_is_written_the_same_way_on_the_facts_and_the_timeline(demo, client, auth):
    """总分 97, never 97.00 in one place and 97 in another."""
    with demo.app_context():
        case_id = walk("unit-county", to="awaiting_approval", score=97)
    auth.login("unit-county")
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    facts = page[page.index('data-testid="review-result"') :]
    assert re.match(r'data-testid="review-result">\s*总分 97\s', facts)
    assert "评审总分 97" in page[page.index('data-testid="case-timeline"') :]
    assert "97.00" not in page


@pytest.mark.parametrize("scheme_id", ["hubei-archive-sample", "lrn", "org-2014-streets", "sta-2017"])
def test_no_item_repeats_its_level_restriction_in_its_name(scheme_id):
    """The levels an item applies to are data (``levels``); the export adds 「（仅省二级）」 from them."""
    scheme = load_scheme(scheme_id)
    for section in scheme.sections:
        for item in section.items:
            for level in item.levels:
                assert scheme.level_names.get(level, level) not in item.name, item.id


def test_the_export_says_a_level_restriction_once():
    content = sheet_to_xlsx(load_scheme("hubei-archive-sample"), level=None)
    names = [row[1] for row in load_workbook(BytesIO(content)).active.iter_rows(values_only=True)]
    assert "档案目录计算机管理（仅省二级）" in names
    assert not [name for name in names if isinstance(name, str) and re.search(r"（省.级）（仅", name)]
