"""The article's way from the writer to the office's decision, through the services (AT-01…AT-09)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.webapp.articles.conftest import World
from webapp.articles.models import Adoption, ArticleRevision
from webapp.articles.services import articles, permissions
from webapp.articles.services.adoptions import AdoptionInput
from webapp.articles.services.errors import Refused, Stale
from webapp.core.extensions import db
from webapp.core.services.audit import trail_of, verify_chain
from webapp.core.services.errors import NotFound

DAY = date(2027, 1, 5)


def _draft(world: World, **kwargs: object) -> int:
    article = articles.create_draft(
        world.officer_a, office_id=world.office.id, title="甲县推行组工干部下沉一线", body="正文" * 50, today=DAY,
        **kwargs,  # type: ignore[arg-type]
    )  # fmt: skip
    return article.id


def test_an_article_is_adopted_only_after_sign_off_and_receipt_zg_6_1(world: World) -> None:
    article_id = _draft(world)
    articles.fire(world.officer_a, article_id, "submit", today=DAY)
    # ZG-6.1: the office does not see it before the leader in charge signed it off
    with pytest.raises(NotFound):
        articles.load(world.editor, article_id)
    article = articles.fire(world.signer_a, article_id, "sign_off", today=DAY)
    assert article.state == "submitted" and article.number == "2027-0001"
    articles.fire(world.editor, article_id, "receive", today=DAY)
    pub = world.own_publication.id
    article = articles.fire(
        world.editor, article_id, "adopt", today=DAY, adoption=AdoptionInput(pub, "exp", "single")
    )
    assert article.state == "adopted"
    adoption = db.session.scalars(db.select(Adoption).where(Adoption.article_id == article_id)).one()
    assert (adoption.class_code, adoption.form_code, adoption.adopted_on) == ("exp", "single", DAY)
    trail = trail_of("article", article_id)
    assert [row.event for row in trail] == ["created", "submit", "sign_off", "receive", "adopt"]
    assert trail[-1].rule_id == "INF-2.0" and "《市组工信息》经验类·单条" in trail[-1].comment
    assert verify_chain("article", article_id)


def test_a_return_needs_a_reason_and_the_resubmission_an_answer_zg_6_1(world: World) -> None:
    article_id = _draft(world)
    articles.fire(world.officer_a, article_id, "submit", today=DAY)
    with pytest.raises(Refused) as refused:
        articles.fire(world.signer_a, article_id, "leader_return", reason=" ", today=DAY)
    assert refused.value.code == "reason_missing" and refused.value.field == "reason"
    assert (
        "依据《市组工信息工作考评办法》六、相关工作要求" in refused.value.message
        and "ZG-6.1" in refused.value.message
    )
    articles.fire(world.signer_a, article_id, "leader_return", reason="数据来源请注明出处", today=DAY)
    articles.save_text(
        world.officer_a, article_id, title="甲县推行组工干部下沉一线", body="新正文" * 40, note="补充出处"
    )
    with pytest.raises(Refused) as refused:
        articles.fire(world.officer_a, article_id, "resubmit", today=DAY)
    assert refused.value.code == "answer_missing"
    article = articles.fire(
        world.officer_a, article_id, "resubmit", answer="已在第二段注明数据来源", today=DAY
    )
    assert article.state == "awaiting_signoff"
    [returned] = article.returns
    assert returned.answer == "已在第二段注明数据来源" and returned.returned_by_side == "leader"
    revisions = db.session.scalars(
        db.select(ArticleRevision).where(ArticleRevision.article_id == article_id)
    ).all()
    assert [r.no for r in revisions] == [1, 2]


def test_only_the_right_people_act_and_see_deny_by_default(world: World) -> None:
    article_id = _draft(world)
    for stranger in (
        world.officer_b,
        world.signer_b,
        world.editor,
        world.reader,
        world.outsider,
        world.upper_editor,
    ):
        with pytest.raises(NotFound):
            articles.load(stranger, article_id)
    with pytest.raises(NotFound):  # a draft is the writers' own until sent to the leader
        articles.fire(world.signer_a, article_id, "submit", today=DAY)
    articles.fire(world.officer_a, article_id, "submit", today=DAY)
    with pytest.raises(Refused) as refused:
        articles.fire(world.officer_a, article_id, "sign_off", today=DAY)
    assert refused.value.status == 403


def test_a_secret_article_is_hidden_from_readers_and_other_officers(world: World) -> None:
    article_id = _draft(world, secrecy="secret")
    articles.fire(world.officer_a, article_id, "submit", today=DAY)
    articles.fire(world.signer_a, article_id, "sign_off", today=DAY)
    article = articles.load(world.editor, article_id)
    assert permissions.functions_on(world.reader, article) == frozenset()
    assert permissions.functions_on(world.officer_a2, article) == frozenset()
    visible = db.session.scalars(db.select(db.literal(1)).select_from(type(article)).where(
        permissions.visible_clause(world.reader))).all()  # fmt: skip
    assert visible == []


def test_two_people_acting_on_one_version_one_gets_stale(world: World) -> None:
    article_id = _draft(world)
    articles.fire(world.officer_a, article_id, "submit", today=DAY)
    version = articles.load(world.signer_a, article_id).version_id
    articles.fire(world.signer_a, article_id, "sign_off", today=DAY, expected_version=version)
    with pytest.raises(Stale) as stale:
        articles.fire(
            world.signer_a, article_id, "leader_return", reason="理由写清楚", expected_version=version
        )
    assert stale.value.message == "已被他人处理，请刷新。"
