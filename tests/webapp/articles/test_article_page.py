"""The article page over HTTP: who sees it, the events each person may fire from it (and the blocked ones with
their rule quoted), refusals beside the field with the typed text kept, the optimistic lock, the timeline with
its rules and chain check, the diagram and the records hanging off the article."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
import sqlalchemy as sa

from tests.factories import TODAY
from tests.webapp.articles.conftest import World
from tests.webapp.articles.unit_helpers import login, page, walk, write
from tests.webapp.security.audit_helpers import drop_append_only_triggers
from webapp.articles.models import (
    Adoption,
    Article,
    ArticleReturn,
    FollowUp,
    Forwarding,
    Incident,
    Instruction,
)
from webapp.articles.services import articles
from webapp.core.extensions import db
from webapp.core.services.diagram import CURRENT_FILL

SVG = "{http://www.w3.org/2000/svg}"


def _version(client, article_id: int) -> int:  # noqa: ANN001
    with client.application.app_context():
        return db.session.get(Article, article_id).version_id


def _state(client, article_id: int) -> str:  # noqa: ANN001
    with client.application.app_context():
        return db.session.get(Article, article_id).state


def _fire(client, article_id: int, event: str, version: int | None = None, **fields: str):  # noqa: ANN001, ANN201
    data = {f"{event}-{name}": value for name, value in fields.items()}
    data[f"{event}-version"] = str(version if version is not None else _version(client, article_id))
    return client.post(f"/articles/{article_id}/events/{event}", data=data)


# -- who sees what -----------------------------------------------------------------------------------------------


def test_the_page_shows_number_state_secrecy_kind_unit_office_and_text(world, client):
    with client.application.app_context():
        article_id = walk(world, "submitted", secrecy="internal")
    login(client, "officer-a")
    text = page(client.get(f"/articles/{article_id}"))
    assert "2027-0001" in text and 'data-state="submitted"' in text and 'data-secrecy="internal"' in text
    assert "甲县委组织部" in text and "市委组织部办公室" in text and "一般信息" in text
    assert "全县抽调干部五十名" in text


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("officer-a", True),
        ("officer-a2", True),
        ("signer-a", True),
        ("editor", True),
        ("head", True),
        ("reader", True),
        ("officer-b", False),
        ("signer-b", False),
        ("upper-editor", False),
        ("outsider", False),
    ],
)
def test_who_may_open_a_submitted_article_deny_by_default(world, client, username, visible):
    with client.application.app_context():
        article_id = walk(world, "submitted")
    login(client, username)
    assert client.get(f"/articles/{article_id}").status_code == (200 if visible else 404)


def test_a_secret_article_is_not_shown_to_the_reader_or_the_units_other_officer(world, client):
    with client.application.app_context():
        article_id = walk(world, "submitted", secrecy="secret")
    for username in ("reader", "officer-a2"):
        login(client, username)
        assert client.get(f"/articles/{article_id}").status_code == 404
    login(client, "editor")
    assert client.get(f"/articles/{article_id}").status_code == 200


def test_an_anonymous_visitor_is_sent_to_sign_in(world, client):
    with client.application.app_context():
        article_id = walk(world, "draft")
    response = client.get(f"/articles/{article_id}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_reader_reads_only(world, client):
    with client.application.app_context():
        article_id = walk(world, "submitted")
    login(client, "reader")
    text = page(client.get(f"/articles/{article_id}"))
    assert 'data-testid="read-only-reason"' in text and 'data-allowed="yes"' not in text


def test_each_person_is_offered_the_events_they_may_fire_now(world, client):
    with client.application.app_context():
        draft = walk(world, "draft")
        awaiting = walk(world, "awaiting_signoff")
        submitted = walk(world, "submitted")
    offered = {}
    for username, article_id in (("officer-a", draft), ("signer-a", awaiting), ("editor", submitted)):
        login(client, username)
        text = page(client.get(f"/articles/{article_id}"))
        offered[username] = re.findall(r'data-action="(\w+)" data-allowed="yes"', text)
    assert offered == {
        "officer-a": ["submit"],
        "signer-a": ["sign_off", "leader_return", "withdraw"],
        "editor": ["receive", "office_return"],
    }


def test_a_blocked_event_is_shown_disabled_with_its_rule_quoted_pub_2_4(world, client):
    with client.application.app_context():
        article_id = write(world, body="")
    login(client, "officer-a")
    text = page(client.get(f"/articles/{article_id}"))
    blocked = text.split('data-testid="blocked-submit">')[1].split("</p>")[0]
    assert "PUB-2.4" in blocked and "依据《区民政局宣传工作考评办法》" in blocked and "正文为空" in blocked


# -- firing events -------------------------------------------------------------------------------------------------


def test_the_leader_signs_off_from_the_page_zg_6_1(world, client):
    with client.application.app_context():
        article_id = walk(world, "awaiting_signoff")
    login(client, "signer-a")
    response = _fire(client, article_id, "sign_off")
    assert response.status_code == 302
    assert _state(client, article_id) == "submitted"


def test_a_short_return_reason_is_refused_beside_the_field_quoting_zg_6_1_and_kept(world, client):
    with client.application.app_context():
        article_id = walk(world, "awaiting_signoff")
    login(client, "signer-a")
    response = _fire(client, article_id, "leader_return", reason="不行")
    text = page(response)
    assert response.status_code == 400
    form = text.split('data-testid="form-leader_return"')[1].split("</form>")[0]
    assert "不行</textarea>" in form
    feedback = form.split('class="invalid-feedback"')[1]
    assert "依据《市组工信息工作考评办法》六、相关工作要求" in feedback and "ZG-6.1" in feedback
    assert "至少4个字" in feedback
    assert _state(client, article_id) == "awaiting_signoff"


def test_the_return_form_quotes_its_rule_under_the_reason_before_anything_is_typed_zg_6_1(world, client):
    with client.application.app_context():
        article_id = walk(world, "awaiting_signoff")
    login(client, "signer-a")
    form = page(client.get(f"/articles/{article_id}")).split('data-testid="form-leader_return"')[1]
    assert "信息应由本单位本科室相关分管领导审阅" in form.split("</form>")[0]


def test_a_return_then_an_answered_resubmission_zg_6_1(world, client):
    with client.application.app_context():
        article_id = walk(world, "awaiting_signoff")
    login(client, "signer-a")
    assert _fire(client, article_id, "leader_return", reason="请补充数据来源").status_code == 302
    login(client, "officer-a")
    text = page(client.get(f"/articles/{article_id}"))
    assert "请补充数据来源" in text and "尚未答复" in text
    response = _fire(client, article_id, "resubmit", answer="")
    assert response.status_code == 400 and "修改说明（对退改意见的答复）" in page(response)
    assert _fire(client, article_id, "resubmit", answer="已在第二段注明出处").status_code == 302
    with client.application.app_context():
        answer = db.session.scalars(sa.select(ArticleReturn.answer)).one()
    assert answer == "已在第二段注明出处" and _state(client, article_id) == "awaiting_signoff"


def test_the_office_adopts_with_publication_class_form_and_date_inf_2_0(world, client):
    with client.application.app_context():
        article_id = walk(world, "received")
    login(client, "editor")
    text = page(client.get(f"/articles/{article_id}"))
    assert "《市组工信息》" in text and "经验类" in text
    response = _fire(
        client, article_id, "adopt",
        publication_id=str(world.own_publication.id), class_code="exp", form_code="single", adopted_on=TODAY.isoformat(),
    )  # fmt: skip
    assert response.status_code == 302
    text = page(client.get(f"/articles/{article_id}"))
    assert "《市组工信息》经验类·单条，2027-01-05采用" in text


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"class_code": "nope"}, "class_code", "请选择本办公室设定的信息类别"),
        ({"publication_id": "999999"}, "publication_id", "请选择本办公室设定的刊物"),
        ({"publication_id": "abc"}, "publication_id", "请选择本办公室设定的刊物"),
        ({"adopted_on": "2099-01-01"}, "adopted_on", "采用日期不能晚于今天"),
    ],
)
def test_a_bad_adoption_value_is_refused_beside_its_field_and_nothing_is_recorded(
    world, client, fields, field, words
):
    with client.application.app_context():
        article_id = walk(world, "received")
    login(client, "editor")
    data = {
        "publication_id": str(world.own_publication.id),
        "class_code": "exp",
        "form_code": "single",
        "note": "保留的备注",
    }
    response = _fire(client, article_id, "adopt", **{**data, **fields})
    text = page(response)
    assert response.status_code == 400 and words in text and "保留的备注" in text
    assert words in text.split(f'id="adopt-{field}"')[1].split('class="mb-3"')[0]  # beside its own field
    with client.application.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Adoption.id))) == 0
    assert _state(client, article_id) == "received"


def test_an_event_on_a_version_someone_else_changed_is_refused_as_stale(world, client):
    with client.application.app_context():
        article_id = walk(world, "awaiting_signoff")
    version = _version(client, article_id)
    with client.application.app_context():
        articles.fire(world.signer_a, article_id, "leader_return", reason="请补充数据来源", today=TODAY)
    login(client, "signer-a")
    response = _fire(client, article_id, "sign_off", version=version)
    assert response.status_code == 409 and "已被他人处理，请刷新。" in page(response)
    assert _state(client, article_id) == "returned"


def test_an_event_form_without_its_version_is_refused(world, client):
    with client.application.app_context():
        article_id = walk(world, "awaiting_signoff")
    login(client, "signer-a")
    response = client.post(f"/articles/{article_id}/events/sign_off", data={})
    assert response.status_code == 400 and "缺少或无效的版本信息" in page(response)
    assert _state(client, article_id) == "awaiting_signoff"


def test_the_wrong_role_is_403_and_another_units_article_404(world, client):
    with client.application.app_context():
        article_id = walk(world, "awaiting_signoff")
    login(client, "officer-a")
    assert _fire(client, article_id, "sign_off").status_code == 403
    assert client.post(f"/articles/{article_id}/events/sign_off", data={}).status_code == 403
    login(client, "signer-b")
    assert _fire(client, article_id, "sign_off", version=1).status_code == 404
    assert _state(client, article_id) == "awaiting_signoff"


@pytest.mark.parametrize(
    "url", ["/articles/{id}/events/explode", "/articles/99999/events/submit", "/articles/99999"]
)
def test_unknown_events_and_articles_are_404(world, client, url):
    with client.application.app_context():
        article_id = walk(world, "draft")
    login(client, "officer-a")
    assert client.post(url.format(id=article_id), data={"submit-version": "1"}).status_code in (404, 405)
    assert client.get(url.format(id=article_id)).status_code in (404, 405)


def test_an_overlong_comment_is_refused_and_kept(world, client):
    with client.application.app_context():
        article_id = walk(world, "draft")
    login(client, "officer-a")
    response = _fire(client, article_id, "submit", comment="长" * 2001)
    assert response.status_code == 400 and "备注不超过2000字" in page(response)
    assert _state(client, article_id) == "draft"


def test_the_officer_deletes_a_draft_but_not_a_sent_article(world, client):
    with client.application.app_context():
        draft = walk(world, "draft")
        sent = walk(world, "awaiting_signoff")
    login(client, "officer-a")
    response = client.post(f"/articles/{draft}/delete", data={"version": _version(client, draft)})
    assert response.status_code == 302
    assert client.get(f"/articles/{draft}").status_code == 404
    response = client.post(f"/articles/{sent}/delete", data={"version": _version(client, sent)})
    assert response.status_code == 403 and _state(client, sent) == "awaiting_signoff"


# -- timeline, chain, diagram -----------------------------------------------------------------------------------


def test_the_timeline_quotes_the_rule_of_each_step_for_people(world, client):
    with client.application.app_context():
        article_id = walk(world, "submitted")
    login(client, "officer-a")
    text = page(client.get(f"/articles/{article_id}"))
    timeline = text.split('data-testid="article-timeline"')[1].split("</section>")[0]
    row = timeline.split('data-event="sign_off"')[1].split("</tr>")[0]
    assert "待领导审阅 → 已报送" in row
    assert "依据《市组工信息工作考评办法》六、相关工作要求：信息应由本单位本科室相关分管领导审阅" in row
    assert 'data-testid="chain-ok"' in timeline and "chain-broken" not in timeline


def test_a_tampered_timeline_is_said_to_be_broken_visibly(world, client):
    with client.application.app_context():
        article_id = walk(world, "submitted")
        drop_append_only_triggers()  # as an attacker owning the database would
        db.session.execute(
            sa.text(
                "UPDATE audit_events SET comment = '篡改' WHERE subject_type = 'article' AND subject_id = :id AND seq = 2"
            ),
            {"id": article_id},
        )
        db.session.commit()
    login(client, "officer-a")
    text = page(client.get(f"/articles/{article_id}"))
    assert 'data-testid="chain-broken"' in text and "第2条起" in text and "chain-ok" not in text


def test_the_diagram_highlights_the_current_state(world, client):
    with client.application.app_context():
        article_id = walk(world, "awaiting_signoff")
    login(client, "officer-a")
    text = page(client.get(f"/articles/{article_id}"))
    svg = ElementTree.fromstring("<svg" + text.split("<svg", 1)[1].split("</svg>")[0] + "</svg>")
    fills = {
        node.get("id", "").removeprefix("state-"): next(node.iter(f"{SVG}path")).get("fill")
        for node in svg.iter(f"{SVG}g")
        if node.get("class") == "node"
    }
    assert [name for name, fill in fills.items() if fill == CURRENT_FILL] == ["awaiting_signoff"]
    assert "待领导审阅" in text.split('data-testid="article-diagram"')[1]


# -- records hanging off the article --------------------------------------------------------------------------


def test_the_records_on_the_article_are_listed(world: World, client):
    with client.application.app_context():
        article_id = walk(world, "adopted")
        forwarding = Forwarding(
            article_id=article_id, kind="up", from_office_id=world.office.id, to_office_id=world.upper.id,
            forwarded_by_id=world.editor.id, forwarded_on=TODAY,
        )  # fmt: skip
        instruction = Instruction(
            article_id=article_id, office_id=world.office.id, leader="张书记", level="city", text="经验做法值得推广",
            instructed_on=TODAY, recorded_by_id=world.editor.id,
        )  # fmt: skip
        db.session.add_all([forwarding, instruction])
        db.session.flush()
        db.session.add(
            FollowUp(instruction_id=instruction.id, unit_id=world.unit_a.id, due_on=TODAY, request="报送落实情况",
                     assigned_by_id=world.editor.id)
        )  # fmt: skip
        db.session.add(
            Incident(office_id=world.office.id, unit_id=world.unit_a.id, kind="false_info", article_id=article_id,
                     occurred_on=TODAY, note="数据与统计公报不符", recorded_by_id=world.editor.id)
        )  # fmt: skip
        db.session.commit()
    login(client, "officer-a")
    text = page(client.get(f"/articles/{article_id}"))
    assert "《市组工信息》经验类·单条，2027-01-05采用" in text
    assert "上报上级" in text and "省委组织部办公室" in text and "待上级处理" in text
    assert "张书记" in text and "市领导" in text and "经验做法值得推广" in text and "报送落实情况" in text
    assert "信息失实" in text and "数据与统计公报不符" in text and "ZG-4.9" in text


def test_the_page_gives_the_guards_the_facts_the_services_count_zg_6_1_inf_2_8(world: World) -> None:
    """The article page reads the article's returns and adoptions for its records and gives the guards their facts
    from them (an open return blocks sending on, ZG-6.1; adoptions, INF-2.8): the same facts `facts_for` counts,
    a withdrawn adoption and an answered return included."""
    from webapp.articles.services import adoption_changes, article_page
    from webapp.articles.services.adoptions import AdoptionInput
    from webapp.articles.services.facts import facts_for, facts_from

    answered = walk(world, "returned")
    articles.fire(world.officer_a, answered, "resubmit", answer="已在第二段注明出处", today=TODAY)
    twice = walk(world, "adopted")
    other = db.session.scalar(sa.select(Adoption.publication_id).where(Adoption.article_id == twice))
    second = adoption_changes.adopt_again(
        world.editor,
        twice,
        AdoptionInput(
            next(p.id for p in world.office.publications if p.id != other), "exp", "single", adopted_on=TODAY
        ),
    )
    adoption_changes.cancel(world.editor, second.id, reason="误录刊物，撤销此条采用")
    seen = set()
    for article_id in (
        walk(world, "draft"),
        walk(world, "returned"),
        answered,
        walk(world, "adopted"),
        twice,
    ):
        shown = article_page.build(world.officer_a, article_id, today=TODAY)
        article = db.session.get(Article, article_id)
        facts = facts_from(article, shown.returns, [row.adoption for row in shown.adoptions])
        assert facts == facts_for(article), article.state
        seen.add((facts.open_return, facts.adoptions))
    assert seen == {(False, 0), (True, 0), (False, 1)}
