"""Forwarding (INF-2.5 上报, INF-2.6 转送) and the upper office's decision: the adoption by the upper office is
recorded on the same article with its forwarding, so the credit flows to the authoring unit."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.webapp.articles import office_steps as steps
from tests.webapp.articles.conftest import World
from webapp.articles.models import Adoption, Forwarding
from webapp.articles.services import adoptions, articles, forwarding, intake
from webapp.articles.services.adoptions import AdoptionInput
from webapp.articles.services.errors import Refused
from webapp.core.extensions import db
from webapp.core.services.audit import trail_of
from webapp.core.services.errors import Conflict, InvalidInput, NotFound

DAY = steps.DAY


def _upper_publication(world: World) -> int:
    return adoptions.choices(world.upper.id).publications[0][0]


def test_an_adoption_by_the_upper_office_credits_the_authoring_unit_inf_2_5(world: World) -> None:
    """INF-2.5: 约稿信息被政府办公室上报…标注上报信息 — the upper office's adoption names the unit that wrote it."""
    steps.upper_head(world)
    article_id = steps.adopted(world)
    passed = forwarding.forward(world.editor, article_id, "up", note="经验做法值得推广", today=DAY)
    assert (passed.status, passed.to_office_id, passed.from_office_id) == (
        "pending",
        world.upper.id,
        world.office.id,
    )
    # the upper office sees it in its intake, and now may see the article
    pending = intake.forwarded_to(world.upper_editor, world.upper)
    assert [f.id for f in pending.items] == [passed.id]
    assert articles.load(world.upper_editor, article_id).unit_id == world.unit_a.id
    forwarding.adopt(
        world.upper_editor, passed.id, AdoptionInput(_upper_publication(world), "exp", "single"), today=DAY
    )
    db.session.refresh(passed)
    assert passed.status == "adopted" and passed.decided_by_id == world.upper_editor.id
    upper = db.session.scalars(sa.select(Adoption).where(Adoption.forwarding_id == passed.id)).one()
    assert upper.office_id == world.upper.id and upper.article.unit_id == world.unit_a.id
    assert upper.publication.name == "《省组工信息》"
    events = [(row.event, row.rule_id) for row in trail_of("article", article_id)]
    assert events[-2:] == [("forward_up", "INF-2.5"), ("forward_adopted", "INF-2.5")]
    assert f"计入撰稿单位{world.unit_a.name}" in trail_of("article", article_id)[-1].comment
    # the article keeps both adoptions: its own office's and the upper office's (INF-2.8)
    all_adoptions = db.session.scalars(sa.select(Adoption).where(Adoption.article_id == article_id)).all()
    assert {a.office_id for a in all_adoptions} == {world.office.id, world.upper.id}
    assert intake.forwarded_to(world.upper_editor, world.upper).items == []


def test_the_upper_office_declines_with_a_reason(world: World) -> None:
    article_id = steps.adopted(world)
    passed = forwarding.forward(world.editor, article_id, "up", today=DAY)
    with pytest.raises(Refused) as refused:
        forwarding.decline(world.upper_editor, passed.id, reason="否")
    assert refused.value.field == "reason" and "INF-2.5" in refused.value.message
    forwarding.decline(world.upper_editor, passed.id, reason="本期已有同类信息", today=DAY)
    db.session.refresh(passed)
    assert (passed.status, passed.decline_reason) == ("declined", "本期已有同类信息")
    assert trail_of("article", article_id)[-1].event == "forward_declined"
    with pytest.raises(Conflict):  # decided once
        forwarding.decline(world.upper_editor, passed.id, reason="再次处理一下")
    # declined: the office may pass it up again
    again = forwarding.forward(world.editor, article_id, "up", note="补充后再报", today=DAY)
    assert again.status == "pending"


def test_sending_on_to_the_leaders_is_recorded_under_inf_2_6(world: World) -> None:
    """INF-2.6: 被政府办公室直接下载转送政府领导的信息，标注转送信息."""
    article_id = steps.submitted(world)
    articles.fire(world.editor, article_id, "receive", today=DAY)
    sent = forwarding.forward(world.editor, article_id, "to_leaders", today=DAY)
    assert (sent.status, sent.to_office_id, sent.decided_on) == ("sent", None, DAY)
    assert (trail_of("article", article_id)[-1].event, trail_of("article", article_id)[-1].rule_id) == (
        "forward_to_leaders",
        "INF-2.6",
    )
    with pytest.raises(Conflict):
        forwarding.forward(world.editor, article_id, "to_leaders", today=DAY)


def test_only_a_received_or_adopted_article_is_forwarded_with_the_rule_quoted(world: World) -> None:
    article_id = steps.submitted(world)
    with pytest.raises(Refused) as refused:
        forwarding.forward(world.editor, article_id, "up", today=DAY)
    assert refused.value.status == 409 and refused.value.rule == "INF-2.5"
    assert (
        "依据《县信息工作绩效考核方案》二、信息计分" in refused.value.message
        and "已报送" in refused.value.message
    )
    with pytest.raises(InvalidInput):
        forwarding.forward(world.editor, article_id, "sideways", today=DAY)


def test_an_office_without_a_parent_cannot_pass_up(world: World) -> None:
    world.office.parent_id = None
    db.session.commit()
    article_id = steps.adopted(world)
    with pytest.raises(Refused) as refused:
        forwarding.forward(world.editor, article_id, "up", today=DAY)
    assert refused.value.code == "no_parent_office"


@pytest.mark.parametrize("who", ["officer_a", "signer_a", "reader"])
def test_the_unit_and_readers_cannot_forward(world: World, who: str) -> None:
    article_id = steps.adopted(world)
    with pytest.raises(Refused) as refused:
        forwarding.forward(getattr(world, who), article_id, "up", today=DAY)
    assert refused.value.status == 403
    assert db.session.scalar(sa.select(Forwarding.id)) is None


def test_only_the_office_it_was_forwarded_to_decides(world: World) -> None:
    steps.upper_head(world)
    article_id = steps.adopted(world)
    passed = forwarding.forward(world.editor, article_id, "up", today=DAY)
    choice = AdoptionInput(_upper_publication(world), "exp", "single")
    with pytest.raises(NotFound):  # another office's editor does not even see it
        forwarding.adopt(world.outsider, passed.id, choice, today=DAY)
    with pytest.raises(Refused) as refused:  # the lower office sees the article but is not the upper office
        forwarding.adopt(world.editor, passed.id, choice, today=DAY)
    assert refused.value.status == 403
    with pytest.raises(InvalidInput) as wrong:  # the lower office's publication is not the upper office's
        forwarding.adopt(
            world.upper_editor, passed.id, AdoptionInput(world.own_publication.id, "exp", "single")
        )
    assert wrong.value.field == "publication_id"
    db.session.rollback()
    assert db.session.get(Forwarding, passed.id).status == "pending"  # type: ignore[union-attr]


def test_forwarding_and_deciding_over_http(world: World, client) -> None:
    steps.upper_head(world)
    article_id = steps.adopted(world)
    steps.login(client, world.editor)
    done = client.post(
        f"/office/articles/{article_id}/forward", data={"fwd-kind": "up", "fwd-note": "请审阅"}
    )
    assert done.status_code == 302
    passed = db.session.scalars(sa.select(Forwarding)).one()
    again = client.post(
        f"/office/articles/{article_id}/forward", data={"fwd-kind": "up", "fwd-note": "再报一次"}
    )
    assert again.status_code == 409 and "再报一次" in again.get_data(as_text=True)  # typed text kept
    steps.login(client, world.upper_editor)
    listed = client.get("/office/articles").get_data(as_text=True)
    assert f'data-forwarding-id="{passed.id}"' in listed
    screen = client.get(f"/office/articles/{article_id}/triage").get_data(as_text=True)
    assert 'data-testid="forwarding-decision"' in screen and 'data-testid="triage-form"' not in screen
    url = f"/office/articles/{article_id}/forwardings/{passed.id}/decide"
    refused = client.post(url, data={"decide-decision": "decline", "decide-reason": "否"})
    assert refused.status_code == 400 and "INF-2.5" in refused.get_data(as_text=True)
    ok = client.post(
        url,
        data={"decide-decision": "adopt", "decide-publication_id": str(_upper_publication(world)),
              "decide-class_code": "exp", "decide-form_code": "single"},
    )  # fmt: skip
    assert ok.status_code == 302
    db.session.refresh(passed)
    assert passed.status == "adopted"
    assert (
        client.post(url, data={"decide-decision": "decline", "decide-reason": "已经处理过"}).status_code
        == 404
    )
