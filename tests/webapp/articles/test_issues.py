"""Issues of the office's own publication through the services: numbers, assembly, lock, corrections, access."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.webapp.articles.conftest import World
from tests.webapp.articles.issue_world import DAY, adopted
from webapp.articles.models import IssueCorrection, IssueItem, Publication, PublicationIssue
from webapp.articles.services import issue_corrections, issues
from webapp.articles.services.errors import Refused, Stale
from webapp.core.extensions import db
from webapp.core.services.audit import trail_of, verify_chain
from webapp.core.services.errors import InvalidInput, NotFound


def _issue(world: World, day: date = DAY, **kwargs: object) -> PublicationIssue:
    return issues.create(world.editor, world.own_publication.id, issued_on=day, today=day, **kwargs)  # type: ignore[arg-type]


def _locked(world: World, *titles: str) -> PublicationIssue:
    issue = _issue(world)
    issues.add_items(world.editor, issue.id, [adopted(world, title).id for title in titles])
    return issues.lock(world.head, issue.id)


# --- numbers ----------------------------------------------------------------------------------------------


def test_issues_are_numbered_by_year_and_running_total_and_the_year_restarts(world: World) -> None:
    first = _issue(world, date(2026, 12, 20))
    second = _issue(world, date(2026, 12, 28))
    third = _issue(world, date(2027, 1, 5))
    assert [i.number_label for i in (first, second, third)] == [
        "2026年第1期，总第1期",
        "2026年第2期，总第2期",
        "2027年第1期，总第3期",
    ]
    assert third.print_label == "2027年第1期（总第3期）"


def test_the_number_continues_from_the_stored_numbers_2027_12_total_345(world: World) -> None:
    """An office that starts using the system mid-year: its last paper issue was 2027年第11期，总第344期."""
    db.session.add(
        PublicationIssue(
            publication_id=world.own_publication.id, year=2027, number=11, total=344, issued_on=date(2027, 1, 2),
            state="locked", secrecy="none", editor_note="", distribution="", created_by_id=world.editor.id,
        )
    )  # fmt: skip
    db.session.commit()
    assert _issue(world).number_label == "2027年第12期，总第345期"


def test_two_creates_never_share_a_number_even_at_the_same_moment(app: Flask, world: World) -> None:
    """Two editors press 新建 together: the publication lock serves them one after the other."""
    publication_id, editor_id = world.own_publication.id, world.editor.id
    barrier = threading.Barrier(2)
    made: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def create() -> None:
        with app.app_context():
            editor = db.session.get(type(world.editor), editor_id)
            barrier.wait()
            try:
                issue = issues.create(editor, publication_id, issued_on=DAY, today=DAY)
                made.append((issue.number, issue.total))
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(made) == [(1, 1), (2, 2)]


def test_a_number_taken_meanwhile_is_stale_not_a_server_error(world: World, monkeypatch) -> None:
    """If the highest numbers were read before another issue was stored, the unique constraint refuses the
    second issue: Stale (已被他人处理，请刷新。), and nothing is written."""
    _issue(world)
    real = issues.numbering.next_number
    monkeypatch.setattr(issues.numbering, "next_number", lambda year, _n, _t: real(year, None, None))
    with pytest.raises(Stale) as stale:
        _issue(world)
    assert stale.value.message == "已被他人处理，请刷新。"
    assert db.session.scalar(sa.select(sa.func.count(PublicationIssue.id))) == 1


def test_the_issue_date_stays_in_the_numbers_year(world: World) -> None:
    issue = _issue(world)
    with pytest.raises(InvalidInput) as refused:
        issues.update_details(world.editor, issue.id, issued_on=date(2026, 12, 31), today=DAY)
    assert refused.value.field == "issued_on" and "2027年内" in refused.value.message


def test_a_new_issue_takes_the_previous_issues_distribution(world: World) -> None:
    _issue(world, distribution="报：市委领导同志\n发：各县（市、区）委组织部", copies=120)
    second = _issue(world)
    assert (second.distribution, second.copies) == ("报：市委领导同志\n发：各县（市、区）委组织部", 120)


# --- assembly ---------------------------------------------------------------------------------------------


def test_items_are_added_ordered_and_removed_and_each_change_is_in_the_trail(world: World) -> None:
    issue = _issue(world)
    a, b, c = (adopted(world, t) for t in ("甲文", "乙文", "丙文"))
    issues.add_items(world.editor, issue.id, [a.id, b.id, c.id])
    item_c = db.session.scalar(sa.select(IssueItem).where(IssueItem.adoption_id == c.id))
    issues.move(world.editor, issue.id, item_c.id, "up")
    assert [i.title for i in issues.load(world.editor, issue.id).items] == ["甲文", "丙文", "乙文"]
    ids = [i.id for i in issues.load(world.editor, issue.id).items]
    issues.reorder(world.editor, issue.id, list(reversed(ids)))
    assert [i.title for i in issues.load(world.editor, issue.id).items] == ["乙文", "丙文", "甲文"]
    issues.remove(world.editor, issue.id, item_c.id)
    items = issues.load(world.editor, issue.id).items
    assert [(i.position, i.title) for i in items] == [(1, "乙文"), (2, "甲文")]
    assert items[0].source == "甲县委组织部"
    events = [row.event for row in trail_of("publication_issue", issue.id)]
    assert events == ["issue_created", "items_added", "order_changed", "order_changed", "item_removed"]
    assert verify_chain("publication_issue", issue.id)


def test_an_adoption_goes_into_one_issue_only_and_only_of_its_publication(world: World) -> None:
    first, second = _issue(world), _issue(world)
    adoption = adopted(world)
    issues.add_items(world.editor, first.id, [adoption.id])
    with pytest.raises(InvalidInput) as refused:
        issues.add_items(world.editor, second.id, [adoption.id])
    assert refused.value.field == "adoption_ids"
    other = db.session.scalar(
        sa.select(Publication).where(Publication.office_id == world.office.id, Publication.own.is_(False))
    )
    elsewhere = adopted(world, "上级刊物采用", publication_id=other.id)
    with pytest.raises(InvalidInput):
        issues.add_items(world.editor, second.id, [elsewhere.id])
    assert [a.id for a in issues.candidates(world.editor, second).items] == []


def test_the_issue_is_as_secret_as_its_most_secret_item(world: World) -> None:
    issue = _issue(world)
    issues.add_items(
        world.editor, issue.id, [adopted(world, "一般").id, adopted(world, "内部", secrecy="internal").id]
    )
    assert issues.load(world.editor, issue.id).secrecy == "internal"
    issues.add_items(world.editor, issue.id, [adopted(world, "秘密", secrecy="secret").id])
    assert issues.load(world.editor, issue.id).secrecy == "secret"


def test_a_form_made_on_an_older_version_is_stale(world: World) -> None:
    issue = _issue(world)
    version = issue.version_id
    issues.add_items(world.editor, issue.id, [adopted(world).id], expected_version=version)
    with pytest.raises(Stale):
        issues.update_details(
            world.head, issue.id, issued_on=DAY, editor_note="按语", expected_version=version, today=DAY
        )
    assert issues.load(world.editor, issue.id).editor_note == ""


# --- the lock ---------------------------------------------------------------------------------------------


def test_only_the_head_locks_and_an_empty_issue_is_not_locked(world: World) -> None:
    issue = _issue(world)
    with pytest.raises(Refused) as empty:
        issues.lock(world.head, issue.id)
    assert empty.value.code == "issue_empty"
    issues.add_items(world.editor, issue.id, [adopted(world).id])
    with pytest.raises(Refused) as editor:
        issues.lock(world.editor, issue.id)
    assert editor.value.status == 403
    locked = issues.lock(world.head, issue.id)
    assert locked.state == "locked" and locked.locked_by_id == world.head.id
    assert trail_of("publication_issue", issue.id)[-1].rule_id == "PUB-5.3"


def test_a_locked_issue_never_changes_except_by_a_recorded_correction_pub_5_3(world: World) -> None:
    issue = _locked(world, "甲文", "乙文")
    item = issue.items[0]
    spare = adopted(world, "丙文")
    attempts = [
        lambda: issues.add_items(world.editor, issue.id, [spare.id]),
        lambda: issues.remove(world.head, issue.id, item.id),
        lambda: issues.move(world.editor, issue.id, item.id, "down"),
        lambda: issues.reorder(world.editor, issue.id, [i.id for i in reversed(issue.items)]),
        lambda: issues.edit_item(world.head, issue.id, item.id, title="新标题", body="新正文"),
        lambda: issues.update_details(world.editor, issue.id, issued_on=DAY, editor_note="按语", today=DAY),
        lambda: issues.lock(world.head, issue.id),
    ]
    before = [(i.id, i.position, i.title, i.body) for i in issues.load(world.head, issue.id).items]
    for attempt in attempts:
        with pytest.raises(Refused) as refused:
            attempt()
        assert refused.value.status == 409 and refused.value.rule == "PUB-5.3"
        assert "依据《区民政局宣传工作考评办法》五、注意事项" in refused.value.message
        assert "勘误" in refused.value.message
    after = [(i.id, i.position, i.title, i.body) for i in issues.load(world.head, issue.id).items]
    assert after == before
    assert [row.event for row in trail_of("publication_issue", issue.id)][-1] == "issue_locked"


def test_corrections_are_recorded_with_reason_and_change_and_cited(world: World) -> None:
    issue = _locked(world, "甲文", "乙文")
    first, second = issue.items
    correction = issue_corrections.correct(
        world.head, issue.id,
        issue_corrections.CorrectionInput("edit", "标题错字", item_id=first.id, title="甲县文", body=first.body),
    )  # fmt: skip
    assert correction.change == "第1条《甲文》：标题由《甲文》更正为《甲县文》"
    issue_corrections.correct(
        world.head, issue.id, issue_corrections.CorrectionInput("withdraw", "数据失实", item_id=second.id)
    )
    issue = issues.load(world.head, issue.id)
    assert issue.items[0].title == "甲县文" and issue.items[1].withdrawn_at is not None
    assert [c.kind for c in db.session.scalars(sa.select(IssueCorrection))] == ["edit", "withdraw"]
    rows = trail_of("publication_issue", issue.id)[-2:]
    assert [r.event for r in rows] == ["corrected", "corrected"] and all(r.rule_id == "PUB-5.3" for r in rows)
    assert "原因：数据失实" in rows[-1].comment


def test_a_correction_needs_a_reason_a_change_and_the_head(world: World) -> None:
    issue = _locked(world, "甲文")
    item = issue.items[0]
    with pytest.raises(InvalidInput) as no_reason:
        issue_corrections.correct(
            world.head, issue.id, issue_corrections.CorrectionInput("withdraw", "  ", item_id=item.id)
        )
    assert no_reason.value.field == "reason"
    with pytest.raises(InvalidInput) as no_change:
        issue_corrections.correct(
            world.head,
            issue.id,
            issue_corrections.CorrectionInput(
                "edit", "核对", item_id=item.id, title=item.title, body=item.body
            ),
        )
    assert no_change.value.field == "title"
    with pytest.raises(Refused) as editor:
        issue_corrections.correct(
            world.editor, issue.id, issue_corrections.CorrectionInput("withdraw", "核对", item_id=item.id)
        )
    assert editor.value.status == 403
    assert db.session.scalar(sa.select(sa.func.count(IssueCorrection.id))) == 0


def test_a_draft_is_not_corrected_it_is_edited(world: World) -> None:
    issue = _issue(world)
    with pytest.raises(Refused) as refused:
        issue_corrections.correct(
            world.head, issue.id, issue_corrections.CorrectionInput("note", "补充", editor_note="按语")
        )
    assert refused.value.code == "issue_not_locked"


# --- access -----------------------------------------------------------------------------------------------


def test_another_office_and_the_units_do_not_see_the_issues(world: World) -> None:
    issue = _issue(world)
    for stranger in (world.upper_editor, world.outsider, world.officer_a, world.signer_a):
        with pytest.raises(NotFound):
            issues.load(stranger, issue.id)
        with pytest.raises(NotFound):
            issues.list_issues(stranger, world.own_publication.id)
        with pytest.raises(NotFound):
            issues.create(stranger, world.own_publication.id, issued_on=DAY, today=DAY)


def test_the_reader_reads_locked_issues_only_and_cannot_assemble(world: World) -> None:
    draft = _issue(world)
    locked = _locked(world, "甲文")
    with pytest.raises(NotFound):
        issues.load(world.reader, draft.id)
    assert issues.load(world.reader, locked.id).id == locked.id
    assert [i.id for i in issues.list_issues(world.reader, world.own_publication.id).items] == [locked.id]
    with pytest.raises(Refused) as refused:
        issues.create(world.reader, world.own_publication.id, issued_on=DAY, today=DAY)
    assert refused.value.status == 403


def test_a_secret_issue_is_hidden_from_the_reader(world: World) -> None:
    issue = _issue(world)
    issues.add_items(world.editor, issue.id, [adopted(world, "秘密", secrecy="secret").id])
    issues.lock(world.head, issue.id)
    with pytest.raises(NotFound):
        issues.load(world.reader, issue.id)
    assert issues.list_issues(world.reader, world.own_publication.id).items == []
