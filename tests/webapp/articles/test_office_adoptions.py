"""Adoptions after the decision: several adoptions of one article (INF-2.8: 同一条信息被多处录用的，可累计计分) and
withdrawing a mistaken one with a reason — recorded and kept, never deleted (PUB-5.3)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.webapp.articles import office_steps as steps
from tests.webapp.articles.conftest import World
from webapp.articles.models import Adoption, Forwarding, IssueItem, Publication, PublicationIssue
from webapp.articles.services import adoption_changes, adoptions, forwarding
from webapp.articles.services.adoptions import AdoptionInput
from webapp.articles.services.errors import Refused
from webapp.core.extensions import db
from webapp.core.services.audit import trail_of
from webapp.core.services.errors import Conflict, InvalidInput

DAY = steps.DAY


def _other_publication(world: World) -> Publication:
    """《河南组工信息》 of the office's ledger scheme (a higher publication the office records adoptions in)."""
    return db.session.scalars(
        sa.select(Publication).where(Publication.office_id == world.office.id, Publication.code == "P2")
    ).one()


def _live(article_id: int) -> list[Adoption]:
    return list(
        db.session.scalars(
            sa.select(Adoption).where(Adoption.article_id == article_id, Adoption.cancelled_at.is_(None))
        )
    )


def test_an_article_adopted_in_several_publications_has_several_adoptions_inf_2_8(world: World) -> None:
    article_id = steps.adopted(world)
    other = _other_publication(world)
    added = adoption_changes.adopt_again(
        world.editor, article_id, AdoptionInput(other.id, "ref", "single"), today=DAY
    )
    assert added.office_id == world.office.id and added.article.state == "adopted"
    assert sorted(a.publication_id for a in _live(article_id)) == sorted([world.own_publication.id, other.id])
    last = trail_of("article", article_id)[-1]
    assert (last.event, last.rule_id) == ("adoption_added", "INF-2.8") and "参阅类" in last.comment


def test_the_same_publication_twice_is_not_several_places(world: World) -> None:
    article_id = steps.adopted(world)
    with pytest.raises(Conflict) as refused:
        adoption_changes.adopt_again(
            world.editor, article_id, AdoptionInput(world.own_publication.id, "ref", "single")
        )
    assert refused.value.field == "publication_id" and "《市组工信息》" in refused.value.message


def test_a_further_adoption_needs_an_adopted_article_and_the_office(world: World) -> None:
    article_id = steps.submitted(world)
    with pytest.raises(Refused) as refused:
        adoption_changes.adopt_again(
            world.editor, article_id, AdoptionInput(world.own_publication.id, "exp", "single")
        )
    assert refused.value.rule == "INF-2.8" and "依据《县信息工作绩效考核方案》" in refused.value.message
    adopted = steps.adopted(world, title="另一篇")
    with pytest.raises(Refused) as forbidden:
        adoption_changes.adopt_again(
            world.officer_a, adopted, AdoptionInput(_other_publication(world).id, "exp", "single")
        )
    assert forbidden.value.status == 403


def test_a_mistaken_adoption_is_withdrawn_with_a_reason_and_kept(world: World) -> None:
    article_id = steps.adopted(world)
    [wrong] = _live(article_id)
    with pytest.raises(Conflict):  # the only adoption of an adopted article: record the right one first
        adoption_changes.cancel(world.editor, wrong.id, reason="刊物选错了，应为河南组工信息")
    adoption_changes.adopt_again(
        world.editor, article_id, AdoptionInput(_other_publication(world).id, "exp", "single")
    )
    with pytest.raises(InvalidInput) as short:
        adoption_changes.cancel(world.editor, wrong.id, reason="错")
    assert short.value.field == "reason"
    adoption_changes.cancel(world.editor, wrong.id, reason="刊物选错了，应为河南组工信息")
    db.session.refresh(wrong)
    assert wrong.cancelled_at is not None and wrong.cancel_reason == "刊物选错了，应为河南组工信息"
    assert db.session.get(Adoption, wrong.id) is not None  # kept, never deleted
    assert [a.publication.code for a in _live(article_id)] == ["P2"]
    last = trail_of("article", article_id)[-1]
    assert (last.event, last.rule_id) == ("adoption_cancelled", "PUB-5.3") and "刊物选错了" in last.comment
    with pytest.raises(Conflict):
        adoption_changes.cancel(world.editor, wrong.id, reason="再撤销一次试试")


def test_an_adoption_printed_in_an_issue_is_the_issues_to_correct(world: World) -> None:
    article_id = steps.adopted(world)
    adoption_changes.adopt_again(
        world.editor, article_id, AdoptionInput(_other_publication(world).id, "exp", "single")
    )
    [printed, _] = sorted(_live(article_id), key=lambda a: a.id)
    issue = PublicationIssue(
        publication_id=world.own_publication.id, year=2027, number=1, total=1, issued_on=date(2027, 1, 5),
        created_by_id=world.editor.id,
    )  # fmt: skip
    db.session.add(issue)
    db.session.flush()
    db.session.add(IssueItem(issue_id=issue.id, adoption_id=printed.id, position=1, title="t", body="b"))
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        adoption_changes.cancel(world.editor, printed.id, reason="编入期刊后才发现错误")
    assert "勘误" in refused.value.message


def test_withdrawing_the_upper_offices_adoption_reopens_its_forwarding(world: World) -> None:
    steps.upper_head(world)
    article_id = steps.adopted(world)
    passed = forwarding.forward(world.editor, article_id, "up", today=DAY)
    publication = adoptions.choices(world.upper.id).publications[0][0]
    forwarding.adopt(world.upper_editor, passed.id, AdoptionInput(publication, "exp", "single"), today=DAY)
    upper = db.session.scalars(sa.select(Adoption).where(Adoption.forwarding_id == passed.id)).one()
    with pytest.raises(Refused):  # the lower office did not record it
        adoption_changes.cancel(world.editor, upper.id, reason="不是本办公室的采用")
    adoption_changes.cancel(world.upper_editor, upper.id, reason="误点采用，尚未决定")
    assert db.session.get(Forwarding, passed.id).status == "pending"  # type: ignore[union-attr]
    assert "上报信息恢复为待上级处理" in trail_of("article", article_id)[-1].comment


def test_further_adoption_and_withdrawal_over_http(world: World, client) -> None:
    article_id = steps.adopted(world)
    steps.login(client, world.editor)
    url = f"/office/articles/{article_id}/adoptions"
    other = _other_publication(world)
    bad = client.post(url, data={"again-publication_id": str(other.id), "again-class_code": "nope",
                                 "again-form_code": "single", "again-note": "保留的备注"})  # fmt: skip
    assert bad.status_code == 400 and "请选择本办公室设定的信息类别" in bad.get_data(as_text=True)
    assert 'value="保留的备注"' in bad.get_data(as_text=True)
    back = f"/articles/{article_id}"
    ok = client.post(url, data={"again-publication_id": str(other.id), "again-class_code": "exp",
                                "again-form_code": "single", "again-next": back})  # fmt: skip
    assert ok.status_code == 302 and ok.headers["Location"] == back
    unknown = client.post(url, data={"again-publication_id": "99999999999999999999",
                                     "again-class_code": "exp", "again-form_code": "single"})  # fmt: skip
    assert unknown.status_code == 400 and "请选择本办公室设定的刊物" in unknown.get_data(as_text=True)
    first = min(_live(article_id), key=lambda a: a.id)
    cancel = f"/office/articles/{article_id}/adoptions/{first.id}/cancel"
    assert client.post(cancel, data={"cancel-reason": ""}).status_code == 400
    done = client.post(cancel, data={"cancel-reason": "刊物选错", "cancel-next": "https://evil.example/"})
    assert done.status_code == 302 and done.headers["Location"].endswith(
        f"/office/articles/{article_id}/triage"
    )
    assert (
        client.post(
            f"/office/articles/{article_id}/adoptions/999999/cancel", data={"cancel-reason": "理由理由"}
        ).status_code
        == 404
    )
    steps.login(client, world.reader)
    assert client.post(url, data={"again-publication_id": str(other.id)}).status_code == 403
