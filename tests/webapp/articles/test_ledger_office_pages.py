"""The office's ledger pages (台账计分, issue 10): results per ranking group with shared ranks (ZG-5.2), 零报送 and
last place (ZG-5.3), closing by the office head and the frozen result, the recorded recompute with its difference,
the closed periods, one unit's articles each explained; deny by default; bad input a Chinese message, never a 500;
a bounded number of SQL statements whatever the number of units. Today is 2027-01-05 (2026-Q4 is over)."""

from __future__ import annotations

import html
import re
from datetime import date
from itertools import count
from urllib.parse import unquote

import pytest
import sqlalchemy as sa

from tests.factories import make_organ, make_user
from tests.webapp.articles import office_steps as steps
from tests.webapp.articles.conftest import World
from tests.webapp.articles.issue_world import adopted
from tests.webapp.sql_count import count_statements
from webapp.articles.models import Adoption, LedgerPeriod, LedgerRecompute, Publication
from webapp.articles.services import (
    adoption_changes,
    instructions,
    ledger,
    ledger_pages,
    ledger_units,
    offices,
)
from webapp.articles.services.adoptions import AdoptionInput
from webapp.core.extensions import db
from webapp.core.models import Organisation, Role, User
from workflow.scoring.ledger import Adoption as LedgerAdoption
from workflow.scoring.ledger import Instruction as LedgerInstruction
from workflow.scoring.ledger import Records
from workflow.scoring.ledger.period import parse_period

Q4 = "2026-Q4"
NOVEMBER = date(2026, 11, 10)
_names = count(1)


# -- helpers ---------------------------------------------------------------------------------------------------


def _publication(world: World, code: str) -> Publication:
    return db.session.scalars(
        sa.select(Publication).where(Publication.office_id == world.office.id, Publication.code == code)
    ).one()


def adoption_of(world: World, *, unit: str = "a", day: date = NOVEMBER, title: str = "经验做法") -> Adoption:
    """An article of unit 甲 (a) or 乙 (b), through the flow: written, signed off, received and adopted in the
    office's 《**组工信息》 (P3) as 经验类单条 — 6 points under ZG-4.3."""
    officer, signer = (world.officer_a, world.signer_a) if unit == "a" else (world.officer_b, world.signer_b)
    return adopted(world, title, officer=officer, signer=signer, day=day)


def also_in_henan(world: World, adoption: Adoption, day: date = NOVEMBER) -> Adoption:
    """The same article adopted again in 《河南组工信息》 (P2) as 经验类单条: 20 points, highest-only (ZG-4.7)."""
    return adoption_changes.adopt_again(
        world.editor,
        adoption.article_id,
        AdoptionInput(_publication(world, "P2").id, "exp", "single", adopted_on=day),
        today=day,
    )


def unit_at_office(
    world: World, name: str, group: str, *, writer: bool = False
) -> tuple[Organisation, User | None]:
    """A further unit of the office in ``group``; with ``writer``, its officer and signer (username prefix)."""
    org = make_organ(world.unit_a.parent, name=name)
    db.session.commit()
    offices.add_units(world.office.id, [(org.id, group)])
    officer = None
    if writer:
        n = next(_names)
        officer = make_user(org, Role.INFO_OFFICER, username=f"w-officer-{n}")
        make_user(org, Role.INFO_SIGNER, username=f"w-signer-{n}")
        db.session.commit()
    return org, officer


def adopted_for(world: World, officer: User, title: str) -> Adoption:
    signer = db.session.scalars(
        sa.select(User).where(
            User.organisation_id == officer.organisation_id, User.username.like("w-signer-%")
        )
    ).one()
    return adopted(world, title, officer=officer, signer=signer, day=NOVEMBER)


def get(client, user: User, url: str):  # type: ignore[no-untyped-def]
    steps.login(client, user)
    return client.get(url)


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def row_value(page: str, unit: str, testid: str) -> str:
    """The cell ``testid`` of ``unit``'s row in the ranking."""
    match = re.search(
        rf'<tr data-unit="{re.escape(html.escape(unit))}">.*?data-testid="{testid}">([^<]*)</td>', page, re.S
    )
    assert match, f"{unit} has no {testid} cell"
    return match.group(1).strip()


def sections_of(page: str) -> dict[str, list[str]]:
    """Each ranking section's title → its units in the order shown."""
    out = {}
    for block in page.split('data-testid="ranking-section"')[1:]:
        title = re.search(r'data-testid="section-title">([^<]*)<', block).group(1)  # type: ignore[union-attr]
        out[html.unescape(title)] = [html.unescape(u) for u in re.findall(r'<tr data-unit="([^"]*)"', block)]
    return out


# -- results per group -----------------------------------------------------------------------------------------


def test_rankings_are_shown_per_ranking_group_and_a_tie_shares_a_rank_zg_5_2(world: World, client) -> None:
    """ZG-5.2 ranks the units and the sections apart (GAP-12); 甲 and 乙 score the same and share rank 1, the next
    unit is third; 丙 has nothing at all: 零报送 and last place are listed under ZG-5.3."""
    adoption_of(world, unit="a", title="甲县经验")
    adoption_of(world, unit="b", title="乙区经验")
    unit_at_office(world, "丙县委组织部", "county")
    unit_at_office(world, "市委组织部研究室", "section1")

    page = text(get(client, world.reader, f"/ledger/?period={Q4}"))

    assert sections_of(page) == {
        "县（市、区）委组织部": ["乙区委组织部", "甲县委组织部", "丙县委组织部"],
        "部机关科室（办公室等6个科室）": ["市委组织部研究室"],
    }
    ranks = {unit: row_value(page, unit, "rank") for unit in ("甲县委组织部", "乙区委组织部", "丙县委组织部")}
    assert ranks == {"甲县委组织部": "1", "乙区委组织部": "1", "丙县委组织部": "3"}
    live = ledger.live(world.office, ledger.period_from(Q4))
    assert row_value(page, "甲县委组织部", "total") == str(ledger.unit_result(live, "甲县委组织部")["total"])
    zero = re.search(r'data-testid="zero-submission">([^<]*)<', page).group(1)  # type: ignore[union-attr]
    last = re.search(r'data-testid="last-place">([^<]*)<', page).group(1)  # type: ignore[union-attr]
    assert set(zero.split("、")) == {"丙县委组织部", "市委组织部研究室"} and last == "丙县委组织部"
    assert "ZG-5.3" in page and "零报送" in page
    assert 'data-testid="ledger-state" data-state="open">计分中<' in page
    assert "某市组工信息工作考评办法（征求意见稿）" in page
    assert "close-button" not in page  # a reader does not close


def test_each_units_lines_are_shown_with_their_rule_beside_the_text_zg_4_3(world: World, client) -> None:
    """The lines that make a total, each with its rule id small beside it (ZG-4.3, the quota shortfall ZG-4.8);
    a rule the article rules quote shows its words (ZG-4.5 in the tooltip and under 计分依据原文)."""
    adoption = adoption_of(world, title="甲县经验")
    instructions.record(
        world.editor, adoption.article_id, leader="某领导", level="provincial", text="很好，请推广。",
        instructed_on=NOVEMBER, today=NOVEMBER,
    )  # fmt: skip
    page = text(get(client, world.editor, f"/ledger/?period={Q4}"))
    assert (
        "《市组工信息》经验类单条：6分×1篇" in page
    )  # the office's own name for the scheme's 《**组工信息》
    # ZG-4.3 is quoted in the rules file: its words are the id's tooltip
    assert re.search(
        r"经验类单条：6分×1篇 <small class=\"kp-rule text-muted\" title=\"依据[^\"]*单条计6分[^\"]*\">ZG-4.3</small>",
        page,
    )
    assert "省领导批示加分：20分×1篇" in page and ">ZG-4.5</small>" in page
    assert "被国家、省、市领导批示的稿件每篇分别加30分、20分、10分" in page  # the quote of ZG-4.5
    assert "<details" in page and "得分明细" in page
    assert "GAP-" not in re.sub(r'title="[^"]*"', "", page)  # internal ids only in tooltips


def test_the_advanced_unit_proposal_shows_the_cap_and_who_is_inside_or_outside_and_why_inf_3_4(
    world: World, client
) -> None:
    """INF-3.3–3.5 under the county scheme: cap = ⌊35 % × N⌋; a unit without a base score is not eligible, and
    says so with its rule."""
    from webapp.articles.models import ArticleOffice, OfficeUnit

    office = db.session.get(ArticleOffice, world.office.id)
    office.scheme_id = "ledger-inf"
    for row in db.session.scalars(sa.select(OfficeUnit).where(OfficeUnit.office_id == office.id)):
        row.group_code = "town"
        row.base_score = 100 if row.unit_id == world.unit_a.id else None
    db.session.commit()
    page = text(get(client, world.head, "/ledger/?period=2026"))
    assert 'data-testid="advanced-pool"' in page
    cap = re.search(r'data-testid="advanced-cap">(.*?)</p>', page, re.S).group(1)  # type: ignore[union-attr]
    assert "参加考核 2 个单位" in cap and "⌊35% × 2⌋ = <strong>0</strong>" in cap
    refused = re.search(r'data-testid="advanced-not-eligible">(.*?)</dd>', page, re.S).group(1)  # type: ignore[union-attr]
    assert "乙区委组织部：无信息基础分" in refused and "INF-" in refused
    assert "完成率" in page


def test_what_the_scheme_does_not_score_is_noted_beside_the_result_zg_4_5(world: World, client) -> None:
    """ZG-4.5 gives no points for a county leader's instruction: noted, not scored; a unit without a group of the
    scheme is listed, not ranked."""
    from webapp.articles.models import OfficeUnit

    adoption = adoption_of(world)
    instructions.record(
        world.editor, adoption.article_id, leader="某县领导", level="county", text="请研究。",
        instructed_on=NOVEMBER, today=NOVEMBER,
    )  # fmt: skip
    row = db.session.scalars(sa.select(OfficeUnit).where(OfficeUnit.unit_id == world.unit_b.id)).one()
    row.group_code = ""
    db.session.commit()
    page = text(get(client, world.head, f"/ledger/?period={Q4}"))
    notes = re.search(r'data-testid="ledger-notes">(.*?)</div>', page, re.S).group(1)  # type: ignore[union-attr]
    assert "未设置考核类别" in notes and "乙区委组织部" in notes
    assert "县（区）领导批示不在本计分办法的批示加分之列，未加分（1条）" in notes
    assert '<tr data-unit="乙区委组织部">' not in page


def test_a_tie_at_the_cap_is_flagged_for_people_and_a_direct_listing_is_outside_the_cap_inf_3_6(
    world: World, client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """INF-3.5 / GAP-8: 5 departments → ⌊30 % × 5⌋ = 1 place; four tie at it — for people to decide; 公安局's
    experience item with a State Council leader's instruction lists it directly, outside the cap (INF-3.6). The
    engine's own result, shown by the page (the flow cannot yet record the province's publications)."""
    from tests.workflow.scoring.ledger.helpers import adoptions, instruction, scheme, score, unit
    from webapp.articles.models import ArticleOffice

    inf = scheme("ledger-inf")
    names = [f"局{i}" for i in range(4)]
    records = [
        a
        for n in names
        for a in adoptions(inf, n, "宁波市政府办公厅《参阅》（普刊）", "情况反映", n=5, day=date(2026, 3, 1))
    ]
    records += adoptions(inf, "公安局", "《政务情况交流》", "经验做法", article="G", day=date(2026, 3, 1))
    records += adoptions(inf, "公安局", "省政府办公厅《政务工作交流》", n=2, day=date(2026, 3, 1))
    roster = [unit(inf, n, "部门（单位）", 100) for n in [*names, "公安局"]]
    engine = score(inf, roster, "2026", records, [instruction(inf, "公安局", "G", "国务院领导")]).to_dict()
    engine.update(scheme={"id": inf.id, "version": inf.version, "name": inf.name}, computed_on="2027-01-05")
    engine.update(skipped=[], unplaced=[], unit_ids={})
    office = db.session.get(ArticleOffice, world.office.id)
    office.scheme_id = "ledger-inf"
    db.session.commit()
    monkeypatch.setattr(ledger, "live", lambda *args, **kwargs: engine)

    page = text(get(client, world.head, "/ledger/?period=2026"))
    pool = page.split('data-testid="advanced-pool"')[-1]
    assert "⌊30% × 5⌋ = <strong>1</strong>" in pool
    assert re.search(r'data-testid="advanced-direct">公安局<', pool)
    tie = re.search(r'data-testid="tie-at-cap">([^<]*)<', pool).group(1)  # type: ignore[union-attr]
    assert set(re.findall(r"局\d", tie)) == set(names) and "须人工决定" in tie
    assert "INF-3.5" in pool
    assert "名额边界并列，须人工决定" in page  # the flag beside each tied unit
    assert "直接列为先进单位，名额不占控制比例" in page and ">INF-3.6</small>" in page


# -- closing, freezing, recomputing ----------------------------------------------------------------------------


def test_the_head_closes_an_ended_period_and_a_later_withdrawal_only_shows_as_a_difference(
    world: World, client
) -> None:
    """Closed results are frozen (issue 10): an adoption withdrawn afterwards does not change the page; the notice
    links to the recompute, whose preview shows the difference; recomputing with a reason records it and the page
    shows the new result. ZG-4.7: highest-only — 《河南组工信息》 20 rather than 《**组工信息》 6."""
    first = adoption_of(world, title="甲县经验")
    henan = also_in_henan(world, first)
    steps.login(client, world.head)
    before = text(client.get(f"/ledger/?period={Q4}"))
    frozen_total = row_value(before, "甲县委组织部", "total")
    assert 'data-testid="close-button"' in before

    response = client.post(f"/ledger/{Q4}/close", data={"confirm": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/ledger/?period={Q4}")
    closed = text(client.get(f"/ledger/?period={Q4}"))
    assert "已结算2026年第四季度" in closed and 'data-state="closed">已结算<' in closed
    assert "结算于" in closed and world.head.display_name in closed
    assert 'data-testid="close-button"' not in closed and "live-differs" not in closed

    adoption_changes.cancel(world.editor, henan.id, reason="误录刊物，撤销该采用")
    after = text(client.get(f"/ledger/?period={Q4}"))
    assert row_value(after, "甲县委组织部", "total") == frozen_total
    # the frozen page does not score the period again; the comparison is one click away
    assert "live-differs" not in after and 'data-testid="compare-link"' in after
    after = text(client.get(f"/ledger/?period={Q4}&compare=1"))
    assert 'data-testid="live-differs"' in after and f"/ledger/{Q4}/recompute" in after

    preview = text(client.get(f"/ledger/{Q4}/recompute"))
    live_total = ledger.unit_result(ledger.live(world.office, ledger.period_from(Q4)), "甲县委组织部")[
        "total"
    ]
    assert int(frozen_total) - live_total == 20 - 6
    change = re.search(
        r'<tr data-unit="甲县委组织部" data-field="total">.*?<td>(-?\d+)</td><td class="fw-semibold">(-?\d+)</td>',
        preview,
        re.S,
    )
    assert change and change.groups() == (frozen_total, str(live_total))
    version = re.search(r'name="version" type="hidden" value="(\d+)"', preview).group(1)  # type: ignore[union-attr]

    done = client.post(
        f"/ledger/{Q4}/recompute", data={"reason": "撤销误录的河南组工信息采用", "version": version}
    )
    assert done.status_code == 302
    updated = text(client.get(f"/ledger/?period={Q4}"))
    assert row_value(updated, "甲县委组织部", "total") == str(live_total) and "live-differs" not in updated
    compared = text(client.get(f"/ledger/?period={Q4}&compare=1"))
    assert "live-differs" not in compared and 'data-testid="live-same"' in compared
    entry = db.session.scalars(sa.select(LedgerRecompute)).one()
    assert entry.reason == "撤销误录的河南组工信息采用" and entry.by_id == world.head.id
    listed = text(client.get(f"/ledger/{Q4}/recompute"))
    assert "撤销误录的河南组工信息采用" in listed and 'data-testid="no-changes"' in listed
    history = text(client.get("/ledger/history"))
    assert re.search(r'data-testid="recompute-count"><a [^>]*>1次</a>', history)


def test_a_closed_periods_page_reads_the_frozen_result_and_scores_nothing_until_asked(
    world: World, client, monkeypatch
) -> None:
    """Issue 12: a closed period's ranking reads the stored close (ZG-5.2 ranks as frozen); re-scoring the whole
    period to show what a recompute would change runs only on ?compare=1."""
    adoption_of(world, title="甲县经验")
    steps.login(client, world.head)
    assert client.post(f"/ledger/{Q4}/close", data={"confirm": "y"}).status_code == 302
    calls: list[str] = []
    real = ledger.score_ledger
    monkeypatch.setattr(ledger, "score_ledger", lambda *a, **k: calls.append("scored") or real(*a, **k))
    page = text(client.get(f"/ledger/?period={Q4}"))
    assert "已结算2026年第四季度" in page and "甲县委组织部" in page and calls == []
    assert text(client.get(f"/ledger/?period={Q4}&compare=1")).count("live-same") == 1 and calls == ["scored"]


def test_the_ranking_is_paged_by_units_and_ranks_stay_the_whole_pools_zg_5_2(
    world: World, client, monkeypatch
) -> None:
    """Issue 12: a province office ranks ~1,500 units; the page shows them a page at a time, each with its rank
    in the whole pool (ZG-5.2)."""
    adoption_of(world, title="甲县经验")
    monkeypatch.setattr(ledger_pages, "UNITS_PER_PAGE", 1)
    steps.login(client, world.head)
    first = text(client.get(f"/ledger/?period={Q4}"))
    second = text(client.get(f"/ledger/?period={Q4}&page=2"))
    assert 'data-testid="units-pager"' in first and "第1/" in first and "第2/" in second
    assert first.count('data-testid="rank"') == second.count('data-testid="rank"') == 1
    assert row_value(first, "甲县委组织部", "total") and "甲县委组织部" not in re.sub(
        r"<nav.*?</nav>", "", second
    )


def test_a_live_periods_ranking_issues_the_same_statements_with_more_records(
    world: World, client, app, monkeypatch
) -> None:
    """Issue 12: the ranking page of an open period reads the scored period from the cache once its records
    are unchanged (`records_stamp`), and issues the same statements with 1 or 12 adoptions (≤ 15)."""
    calls: list[str] = []
    real = ledger.score_ledger
    monkeypatch.setattr(ledger, "score_ledger", lambda *a, **k: calls.append("scored") or real(*a, **k))
    adoption_of(world, title="第一篇经验")
    steps.login(client, world.head)
    client.get(f"/ledger/?period={Q4}")
    with count_statements(app) as few:
        assert client.get(f"/ledger/?period={Q4}").status_code == 200
    for n in range(11):
        adoption_of(world, unit="a" if n % 2 else "b", title=f"经验{n}")
    changed = text(client.get(f"/ledger/?period={Q4}"))  # the records changed: scored afresh
    with count_statements(app) as many:
        again = text(client.get(f"/ledger/?period={Q4}"))
    assert many.count == few.count <= 15, many.sql
    assert calls == [
        "scored",
        "scored",
    ]  # the first view and the one after the change; repeats read the cache
    assert again == changed and row_value(again, "甲县委组织部", "total") != "0"


def test_the_roster_is_read_once_per_change_and_a_renamed_or_moved_unit_shows_at_once_zg_5_2(
    world: World, client, app
) -> None:
    """Issue 12: a repeat view of the ranking reads no unit of the office (the roster is kept under the office's
    records revision); renaming a unit's organisation, moving a unit to another group or taking it off the
    roster moves the revision at its commit, so the next view ranks the units as they are now (ZG-5.2)."""
    from webapp.articles.models import OfficeUnit
    from webapp.articles.services import office_settings

    adoption_of(world, unit="a", title="甲县经验")
    steps.login(client, world.head)
    first = text(client.get(f"/ledger/?period={Q4}"))
    assert "甲县委组织部" in sections_of(first)["县（市、区）委组织部"]
    with count_statements(app) as repeat:
        assert sections_of(text(client.get(f"/ledger/?period={Q4}"))) == sections_of(first)
    assert not [sql for sql in repeat.sql if "article_office_units" in sql], repeat.sql

    world.unit_a.name = (
        "甲市委组织部"  # the admin renames the organisation (one commit, nothing else changed)
    )
    db.session.commit()
    renamed = text(client.get(f"/ledger/?period={Q4}"))
    assert "甲市委组织部" in sections_of(renamed)["县（市、区）委组织部"] and "甲县委组织部" not in renamed

    row = db.session.scalars(
        sa.select(OfficeUnit).where(
            OfficeUnit.office_id == world.office.id, OfficeUnit.unit_id == world.unit_a.id
        )
    ).one()
    office_settings.update_unit(world.head, row.id, active=False)
    removed = text(client.get(f"/ledger/?period={Q4}"))
    assert "甲市委组织部" not in removed

    rolled_back = db.session.get(OfficeUnit, row.id)
    assert rolled_back is not None
    rolled_back.active = True
    db.session.flush()
    db.session.rollback()  # a change that never commits moves nothing: the page stays as it was
    assert "甲市委组织部" not in text(client.get(f"/ledger/?period={Q4}"))


def test_a_live_rankings_sections_are_rendered_once_until_its_records_change_zg_5_2(
    world: World, client, monkeypatch
) -> None:
    """Issue 12: the sections of a live period's page are kept with its (shared) result: a repeat view renders
    them no more, another page of units is rendered once, and a change of the records shows the new ranking
    (ZG-5.2). A closed period's page is rendered from its frozen result on every view."""
    from webapp.articles.ledger import views

    rendered: list[str] = []
    real = views.render_template

    def counting(template: str, **context):  # type: ignore[no-untyped-def]
        if template.endswith("_ranking_sections.html"):
            rendered.append(template)
        return real(template, **context)

    monkeypatch.setattr(views, "render_template", counting)
    monkeypatch.setattr(ledger_pages, "UNITS_PER_PAGE", 1)
    adoption_of(world, unit="a", title="甲县经验")
    steps.login(client, world.head)
    first = text(client.get(f"/ledger/?period={Q4}"))
    again = text(client.get(f"/ledger/?period={Q4}"))
    assert sections_of(again) == sections_of(first) and len(rendered) == 1
    client.get(f"/ledger/?period={Q4}&page=2")
    client.get(f"/ledger/?period={Q4}&page=2")
    assert len(rendered) == 2
    before = row_value(first, "甲县委组织部", "total")
    adoption_of(world, unit="a", title="甲县又一篇经验")
    changed = text(client.get(f"/ledger/?period={Q4}"))
    assert len(rendered) == 3 and row_value(changed, "甲县委组织部", "total") != before
    assert client.post(f"/ledger/{Q4}/close", data={"confirm": "y"}).status_code == 302
    client.get(f"/ledger/?period={Q4}")
    client.get(f"/ledger/?period={Q4}")
    assert len(rendered) == 5


def test_closing_before_the_period_ends_is_refused_with_its_message(world: World, client) -> None:
    steps.login(client, world.head)
    page = text(client.get("/ledger/?period=2027-Q1"))
    assert "close-button" not in page and "2027-03-31 结束后可结算" in page
    response = client.post("/ledger/2027-Q1/close", data={"confirm": "y"})
    assert response.status_code == 400
    assert "2027年第一季度尚未结束（2027年03月31日止），结束后才能结算。" in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerPeriod)) == 0


def test_closing_needs_the_confirmation_box(world: World, client) -> None:
    steps.login(client, world.head)
    response = client.post(f"/ledger/{Q4}/close", data={})
    assert response.status_code == 400 and "请勾选确认后再结算。" in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerPeriod)) == 0


def test_closing_twice_is_a_conflict_with_a_message(world: World, client) -> None:
    steps.login(client, world.head)
    assert client.post(f"/ledger/{Q4}/close", data={"confirm": "y"}).status_code == 302
    again = client.post(f"/ledger/{Q4}/close", data={"confirm": "y"})
    assert again.status_code == 409
    assert "2026年第四季度已结算，已被他人处理，请刷新。" in text(again)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerPeriod)) == 1


@pytest.mark.parametrize("who", ["editor", "reader", "officer_a", "signer_a", "outsider", "upper_editor"])
def test_only_the_office_head_can_close_or_recompute(world: World, client, who: str) -> None:
    user = getattr(world, who)
    steps.login(client, user)
    assert client.post(f"/ledger/{Q4}/close", data={"confirm": "y"}).status_code == 404
    assert client.get(f"/ledger/{Q4}/recompute").status_code == 404
    assert (
        client.post(f"/ledger/{Q4}/recompute", data={"reason": "无权重新计算", "version": "1"}).status_code
        == 404
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerPeriod)) == 0


def test_a_recompute_refused_shows_its_message_beside_the_reason_and_keeps_it(world: World, client) -> None:
    first = adoption_of(world)
    henan = also_in_henan(world, first)
    ledger.close(world.head, world.office, ledger.period_from(Q4))
    adoption_changes.cancel(world.editor, henan.id, reason="误录刊物，撤销该采用")
    steps.login(client, world.head)
    short = client.post(f"/ledger/{Q4}/recompute", data={"reason": "补", "version": "1"})
    assert short.status_code == 400 and "原因应为4至500个字。" in text(short)
    stale = client.post(f"/ledger/{Q4}/recompute", data={"reason": "撤销误录的采用", "version": "99"})
    assert stale.status_code == 409 and "已被他人处理，请刷新" in text(stale)
    assert "撤销误录的采用</textarea>" in text(stale)  # what was typed is kept
    missing = client.post(f"/ledger/{Q4}/recompute", data={"reason": "撤销误录的采用"})
    assert missing.status_code == 400 and "无法确认您提交的页面是否为最新" in text(missing)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerRecompute)) == 0


def test_recomputing_an_open_period_sends_back_to_its_live_page(world: World, client) -> None:
    steps.login(client, world.head)
    response = client.get(f"/ledger/{Q4}/recompute")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/ledger/?period={Q4}")


# -- access, bad input, safety ---------------------------------------------------------------------------------


def test_the_offices_reader_and_editor_see_the_results_and_a_units_people_do_not(
    world: World, client
) -> None:
    adoption_of(world)
    for user in (world.reader, world.editor, world.head):
        response = get(client, user, f"/ledger/?period={Q4}")
        assert response.status_code == 200 and "甲县委组织部" in text(response)
    unit_id = world.unit_a.id
    for user in (world.officer_a, world.signer_a, world.outsider):
        steps.login(client, user)
        for url in (f"/ledger/?period={Q4}", f"/ledger/units/{unit_id}?period={Q4}", "/ledger/history"):
            assert client.get(url).status_code == 404, (user.username, url)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("period=2026-Q9", "period", "考核期写法不对"),
        ("period=%E5%8E%BB%E5%B9%B4", "period", "考核期写法不对"),
        ("period=1999-Q1", "period", "考核期的年份应在2000年至2100年之间。"),
        ("kind=quarter&year=2026&number=5", "number", "季度应为1至4之间的数字"),
        ("kind=month&year=2026&number=13", "number", "月份应为1至12之间的数字。"),
        ("kind=week&year=2026&number=1", "kind", "请选择考核期类别"),
        ("kind=year&year=26", "year", "年份应为2000年至2100年之间的四位数字。"),
    ],
)
def test_a_period_that_cannot_be_read_is_a_400_with_a_chinese_message_and_the_form_keeps_it(
    world: World, client, query: str, field: str, message: str
) -> None:
    response = get(client, world.reader, f"/ledger/?{query}")
    page = text(response)
    assert response.status_code == 400 and message in page
    typed = {name: unquote(value) for name, value in (pair.split("=") for pair in query.split("&"))}
    shown = {"period": "period-text"}.get(field, field)
    element = re.search(rf'<(?:input|select) class="[^"]*is-invalid[^"]*" id="{shown}"', page)
    assert element, f"the field {field} is marked beside its message"
    if field in ("period", "number", "year"):
        assert f'value="{typed[field]}"' in page  # what was typed is kept


def test_a_period_in_the_path_that_cannot_be_read_is_a_400_not_a_500(world: World, client) -> None:
    steps.login(client, world.head)
    assert client.post("/ledger/2026-Q7/close", data={"confirm": "y"}).status_code == 400
    assert client.get("/ledger/nonsense/recompute").status_code == 400
    assert client.get(f"/ledger/units/{world.unit_a.id}?period=x").status_code == 400


def test_an_office_without_a_ledger_scheme_shows_why_not_a_500(world: World, client) -> None:
    response = get(client, world.upper_editor, "/ledger/")
    assert response.status_code == 200 and "本办公室未设置计分办法" in text(response)


def test_hostile_unit_names_are_escaped(world: World, client) -> None:
    world.unit_a.name = '<script>alert("甲")</script>甲县'
    db.session.commit()
    adoption_of(world)
    steps.login(client, world.head)
    for url in (f"/ledger/?period={Q4}", f"/ledger/units/{world.unit_a.id}?period={Q4}"):
        page = text(client.get(url))
        assert "<script>alert" not in page and "&lt;script&gt;alert(" in page


# -- one unit --------------------------------------------------------------------------------------------------


def test_a_units_page_explains_each_article_and_links_to_it_zg_4_7(world: World, client) -> None:
    """ZG-4.7 就高不就低 and ZG-4.5: 「20 = 《河南组工信息》经验类单条（就高不就低）; +20 = 省领导批示加分」."""
    first = adoption_of(world, title="甲县干部下沉")
    also_in_henan(world, first)
    instructions.record(
        world.editor, first.article_id, leader="某领导", level="provincial", text="很好，请推广。",
        instructed_on=NOVEMBER, today=NOVEMBER,
    )  # fmt: skip
    page = text(get(client, world.reader, f"/ledger/units/{world.unit_a.id}?period={Q4}"))
    assert "20 = 《河南组工信息》经验类单条（就高不就低）; +20 = 省领导批示加分" in page
    assert f'href="/articles/{first.article_id}">甲县干部下沉</a>' in page
    assert re.search(r'data-article="\d+">.*?data-testid="article-points">40分</span>', page, re.S)
    assert 'data-testid="ledger-quotas"' in page and "ZG-2.2" in page


def test_the_offices_reading_leader_sees_a_secret_articles_points_but_not_its_title(
    world: World, client
) -> None:
    """A 秘密 article is the office editors' and head's to read, not its reading leaders': the unit's page counts
    it for them without its title, as the unit's own dashboard does."""
    from tests.webapp.articles.test_ledger_unit_page import adopt

    article_id = adopt(world, date(2027, 1, 4), title="涉密稿件标题", secrecy="secret")
    url = f"/ledger/units/{world.unit_a.id}?period=2027-Q1"
    page = text(get(client, world.reader, url))
    assert f'data-article="{article_id}"' in page
    assert "涉密稿件标题" not in page and "（涉密稿件，标题不显示）" in page
    assert f'href="/articles/{article_id}">涉密稿件标题</a>' in text(get(client, world.editor, url))


def test_a_units_page_marks_an_article_moved_to_the_next_month_by_the_cut_off_zg_6_6(
    world: World, client
) -> None:
    """ZG-6.6: adopted on 29 December, it counts in January — the office's page of the unit says why."""
    adoption_of(world, day=date(2026, 12, 29), title="二十九日刊发")
    page = text(get(client, world.reader, f"/ledger/units/{world.unit_a.id}?period=2027-Q1"))
    assert "二十九日刊发" in page
    assert re.search(r'data-testid="moved">28日后刊发，计入2027年1月</span>', page)


def test_a_unit_that_is_not_the_offices_is_a_404(world: World, client) -> None:
    steps.login(client, world.head)
    outsider_unit = world.outsider.organisation_id
    assert client.get(f"/ledger/units/{outsider_unit}?period={Q4}").status_code == 404


# -- closed periods --------------------------------------------------------------------------------------------


def _closed(world: World, label: str, recomputes: int = 0) -> None:
    record = LedgerPeriod(
        office_id=world.office.id, period=label, scheme_id="ledger-zg", result={"units": []},
        closed_by_id=world.head.id,
    )  # fmt: skip
    db.session.add(record)
    db.session.flush()
    for n in range(recomputes):
        db.session.add(
            LedgerRecompute(
                period_id=record.id, reason=f"更正{n}", changes=[], previous={}, by_id=world.head.id
            )
        )
    db.session.commit()


def test_the_closed_periods_are_paginated_newest_first_with_their_recompute_counts(
    world: World, client
) -> None:
    for month in range(1, 13):
        _closed(world, f"2025-{month:02d}", recomputes=month % 3)
    steps.login(client, world.reader)
    page = text(client.get("/ledger/history"))
    periods = re.findall(r'<tr data-period="([^"]+)"', page)
    assert len(periods) == 12 and periods[0] == "2025-12"  # closed last, shown first
    assert "2025年12月" in page and "已结算" in page
    counts = re.findall(r'data-testid="recompute-count">([^<]*)<', page)
    assert counts[0] == "—" and counts[1] == "2次"  # a reader sees the count, no link

    for month in range(1, 13):
        _closed(world, f"2024-{month:02d}")
    steps.login(client, world.reader)
    client.get("/ledger/history")
    with steps.counted_statements() as few:
        client.get("/ledger/history")
    for year in (2021, 2022, 2023):
        for month in range(1, 13):
            _closed(world, f"{year}-{month:02d}", recomputes=2)
    client.get("/ledger/history?page=2")  # the session reloads what the commits expired (the person, once)
    with steps.counted_statements() as many:
        second = text(client.get("/ledger/history?page=2"))
    assert len(re.findall(r"<tr data-period=", second)) == 20
    assert len(many) == len(few)


def test_the_results_page_issues_the_same_statements_whatever_the_number_of_units(
    world: World, client
) -> None:
    """Bounded statements (issue 7): the roster, the records and the period read once, not per unit."""
    adoption_of(world, unit="a")
    steps.login(client, world.head)
    client.get(f"/ledger/?period={Q4}")
    with steps.counted_statements() as few:
        small = text(client.get(f"/ledger/?period={Q4}"))
    for n in range(8):
        _, officer = unit_at_office(world, f"第{n}科", "section1" if n % 2 else "county", writer=True)
        assert officer is not None
        adopted_for(world, officer, f"第{n}科的经验")
    steps.login(client, world.head)
    client.get(f"/ledger/?period={Q4}")
    with steps.counted_statements() as many:
        large = text(client.get(f"/ledger/?period={Q4}"))
    assert large.count("<tr data-unit=") == small.count("<tr data-unit=") + 8
    assert len(many) == len(few) <= 15, (len(few), len(many))  # issue 12: ≤ 15 at any size


# -- ledger_pages, ledger_units --------------------------------------------------------------------------------


def _records(*adoptions: LedgerAdoption, levels: tuple[LedgerInstruction, ...] = ()) -> Records:
    return Records(adoptions=adoptions, instructions=levels)


def test_an_articles_explanation_is_highest_only_with_the_instruction_bonus_zg_4_7() -> None:
    """ZG-4.7 (GAP-6 default, 就高不就低): 20 for 《河南组工信息》 over 6 for 《**组工信息》, plus ZG-4.5's 20."""
    from config.ledger_schemes import load_ledger_scheme

    scheme = load_ledger_scheme("ledger-zg")
    records = _records(
        LedgerAdoption("甲", "7", "P3", "exp", "single", date(2026, 11, 2), "甲县经验"),
        LedgerAdoption("甲", "7", "P2", "exp", "single", date(2026, 11, 20), "甲县经验"),
        LedgerAdoption("乙", "8", "P3", "exp", "single", date(2026, 11, 2), "乙区经验"),
        levels=(LedgerInstruction("甲", "7", "provincial"),),
    )
    [placed] = ledger_units.place_articles(scheme, records, "甲", parse_period("2026-Q4"))
    explained = ledger_units.explain(scheme, placed)
    assert (explained.article_id, explained.title, explained.points) == (7, "甲县经验", 40)
    assert explained.explanation == "20 = 《河南组工信息》经验类单条（就高不就低）; +20 = 省领导批示加分"
    assert [(a.publication + a.klass + a.form, a.day) for a in explained.adoptions] == [
        ("《**组工信息》经验类单条", date(2026, 11, 2)),
        ("《河南组工信息》经验类单条", date(2026, 11, 20)),
    ]


def test_an_article_counts_in_the_period_of_its_first_adoption_after_the_cut_off_zg_6_6() -> None:
    """ZG-6.6: adopted on 29 December it belongs to January (2027-Q1), and once only, whatever the later
    adoptions; adopted on 28 December it stays in 2026-Q4."""
    from config.ledger_schemes import load_ledger_scheme

    scheme = load_ledger_scheme("ledger-zg")
    records = _records(
        LedgerAdoption("甲", "1", "P3", "exp", "single", date(2026, 12, 28), "二十八日"),
        LedgerAdoption("甲", "2", "P3", "exp", "single", date(2026, 12, 29), "二十九日"),
        LedgerAdoption("甲", "2", "P2", "ref", "single", date(2027, 1, 10), "二十九日"),
    )
    q4, q1 = (
        [ledger_units.explain(scheme, p) for p in ledger_units.place_articles(scheme, records, "甲", period)]
        for period in (parse_period("2026-Q4"), parse_period("2027-Q1"))
    )
    assert [e.title for e in q4] == ["二十八日"] and [e.title for e in q1] == ["二十九日"]
    assert not q4[0].moved and q4[0].month == "2026-12"
    assert q1[0].points == 20 and q1[0].moved and q1[0].month == "2027-01"


def test_the_picker_reads_each_kind_of_period_and_names_the_field_at_fault() -> None:
    assert ledger_pages.period_from_fields("quarter", "2026", "4").label == "2026-Q4"
    assert ledger_pages.period_from_fields("month", " 2026 ", "3").label == "2026-03"
    assert ledger_pages.period_from_fields("half", "2026", "2").label == "2026-H2"
    assert ledger_pages.period_from_fields("year", "2026", "").label == "2026"
    for kind, year, number, field in [
        ("", "2026", "1", "kind"),
        ("quarter", "２０２６", "1", "year"),
        ("quarter", "2026", "0", "number"),
        ("half", "2026", "3", "number"),
        ("month", "2026", "１", "number"),
    ]:
        with pytest.raises(ledger.InvalidInput) as refused:
            ledger_pages.period_from_fields(kind, year, number)
        assert refused.value.field == field
    fields = ledger_pages.fields_of(parse_period("2026-H2"))
    assert (fields.kind, fields.year, fields.number) == ("half", "2026", "2")
    before, after = ledger_pages.neighbours(parse_period("2026-Q1"))
    assert (before.label, after.label) == ("2025-Q4", "2026-Q2")  # type: ignore[union-attr]


def test_units_of_one_pool_are_one_section_ranked_best_first_zg_5_2() -> None:
    """GAP-12 default: the counties and the zones are ranked together, the sections apart."""
    from config.ledger_schemes import load_ledger_scheme

    scheme = load_ledger_scheme("ledger-zg")
    result = {
        "units": [
            {"unit": "科室", "group": "部机关科室（办公室等6个科室）", "group_id": "section1", "rank": 1},
            {
                "unit": "园区",
                "group": "高新区、伊滨区、龙门园区党工委组织（人事）部门",
                "group_id": "zone",
                "rank": 2,
            },
            {"unit": "乙", "group": "县（市、区）委组织部", "group_id": "county", "rank": 1},
            {"unit": "甲", "group": "县（市、区）委组织部", "group_id": "county", "rank": 1},
        ]
    }
    found = ledger_pages.sections(result, scheme)
    assert [(s.title, [u["unit"] for u in s.units]) for s in found] == [
        ("县（市、区）委组织部、高新区、伊滨区、龙门园区党工委组织（人事）部门", ["乙", "甲", "园区"]),
        ("部机关科室（办公室等6个科室）", ["科室"]),
    ]


def test_scoring_a_period_sends_no_list_of_article_ids_to_the_database(world: World) -> None:
    """Issue 12: a province-year is ~700,000 adoptions. The instructions of the period's articles are found by a
    correlated EXISTS on the adoptions, not by an ``IN (…)`` of every adopted article's id, so the statements'
    parameters stay as few with 12 adopted articles as with 1."""

    def parameters(seen: list[str]) -> int:
        return max(statement.count("?") + statement.count("%(") for statement in seen)

    adoption_of(world, title="第一篇经验")
    office = db.session.get(type(world.office), world.office.id)
    with steps.counted_statements() as few:
        ledger.live(office, parse_period(Q4), as_of=date(2027, 1, 5), fresh=True)
    for n in range(11):
        adoption_of(world, unit="a" if n % 2 else "b", title=f"经验{n}")
    with steps.counted_statements() as many:
        ledger.live(office, parse_period(Q4), as_of=date(2027, 1, 5), fresh=True)
    assert db.session.scalar(sa.select(sa.func.count(Adoption.id))) == 12
    assert parameters(many) == parameters(few) < 12, (parameters(few), parameters(many))
