"""The office's records revision (issue 12): the live ledger's cache key moves with every committed change of
a record the ledger reads (ZG-6.6: the period is scored from the flow's records), by the ORM or by a bulk
statement, and with nothing else: a rolled-back change, or a change in another office, leaves it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.webapp.articles.conftest import World
from tests.webapp.articles.test_ledger_office_pages import NOVEMBER, adoption_of, also_in_henan
from webapp.articles.services import adoption_changes, commissions, incidents, ledger_revision
from webapp.core.extensions import db


def revision(world: World, office: str = "office") -> int:
    return ledger_revision.current(db.session, getattr(world, office).id)


def test_an_adoption_moves_its_offices_revision_once_per_commit_and_no_other(world: World) -> None:
    before, upper = revision(world), revision(world, "upper")
    adoption_of(world, title="第一篇经验")  # written, signed off, received, adopted: several commits
    after = revision(world)
    assert after > before and revision(world, "upper") == upper


def test_withdrawing_an_adoption_moves_the_revision(world: World) -> None:
    again = also_in_henan(world, adoption_of(world))  # an article keeps one adoption: the second is withdrawn
    before = revision(world)
    adoption_changes.cancel(world.editor, again.id, reason="误录，撤销该采用记录")
    assert revision(world) == before + 1


def test_an_incident_moves_the_revision_zg_4_9(world: World) -> None:
    adoption = adoption_of(world)
    before = revision(world)
    incidents.create(
        world.editor, kind="false_info", occurred_on=NOVEMBER, note="所报数据与实际不符", article_id=adoption.article_id,
        today=NOVEMBER,
    )  # fmt: skip
    assert revision(world) == before + 1


def test_the_ticks_bulk_update_of_missed_commissions_moves_the_revision_inf_3_10(world: World) -> None:
    """`mark_missed` writes with one UPDATE (no ORM objects): it tells the revision itself."""
    day = date(2027, 1, 5)
    commissions.create(
        world.editor, topic="基层党组织建设经验", detail="800字以内", due_on=day + timedelta(days=5),
        important=True, unit_ids=[world.unit_a.id], today=day,
    )  # fmt: skip
    before = revision(world)
    assert commissions.mark_missed(day + timedelta(days=6))
    assert revision(world) == before + 1
    assert not commissions.mark_missed(day + timedelta(days=7))  # nothing changed: nothing moves
    assert revision(world) == before + 1


def test_a_rolled_back_change_leaves_the_revision(world: World) -> None:
    adoption = adoption_of(world)
    before = revision(world)
    with pytest.raises(RuntimeError), db.session.begin_nested():
        adoption.note = "改了又撤回"
        db.session.flush()
        raise RuntimeError("the caller's transaction fails")
    db.session.rollback()
    assert revision(world) == before
    db.session.commit()  # nothing left to write
    assert revision(world) == before


def test_a_change_committed_without_a_flush_before_it_moves_the_revision(world: World) -> None:
    """The commit's own flush comes after the hook that raises the revision: a change still pending then (no
    query flushed it) is flushed by the hook and counted."""
    adoption = adoption_of(world)
    before = revision(world)
    adoption.note = "改正采用说明"
    db.session.commit()
    assert revision(world) == before + 1


def test_a_renamed_publication_moves_the_revision_and_the_ledger_reads_the_new_name(
    world: World, app
) -> None:  # noqa: ANN001
    """The ledger names its adoptions by the office's publications (ZG-6.6's 《**组工信息》): they are kept per
    process under the revision (a statement fewer on each ledger page) and so must move it."""
    from tests.webapp.sql_count import count_statements
    from webapp.articles.services import ledger

    def named() -> tuple[tuple[int, str, str], ...]:
        with app.test_request_context("/ledger/"):
            return ledger._publications(world.office)

    assert ("P3", "《市组工信息》") in [(code, name) for _, code, name in named()]
    with count_statements(app) as seen:
        named()
    assert not [sql for sql in seen.sql if "article_publications" in sql]  # kept: read once per change
    before = revision(world)
    world.own_publication.name = "《宜昌组工信息》"
    db.session.commit()
    assert revision(world) == before + 1
    assert ("P3", "《宜昌组工信息》") in [(code, name) for _, code, name in named()]
