"""The office's intake queue and keyboard triage: urgent first then oldest, counts in one query, one form for the
four decisions (AT-06…AT-09), adopt-from-submitted in one transaction, refusals quoting the rule, the next
article after a decision, and who may see and act (deny by default)."""

from __future__ import annotations

import re

import pytest
from flask import g

from tests.webapp.articles import office_steps as steps
from tests.webapp.articles.conftest import World
from webapp.articles.models import Article
from webapp.articles.services import articles, intake, triage
from webapp.articles.services.adoptions import AdoptionInput
from webapp.articles.services.errors import Refused
from webapp.core.extensions import db
from webapp.core.request_cache import forget
from webapp.core.services.audit import trail_of, verify_chain
from webapp.core.services.errors import InvalidInput

DAY = steps.DAY


def _adoption(world: World, klass: str = "exp") -> AdoptionInput:
    return AdoptionInput(world.own_publication.id, klass, "single")


def test_the_queue_puts_urgent_reports_first_then_the_oldest_pub_2_3(world: World) -> None:
    """PUB-2.3: 急事、要事和突发性事件应当迅速报送 — the office reads the urgent report before older ordinary ones."""
    first = steps.submitted(world, "较早的一般信息")
    second = steps.submitted(world, "较晚的一般信息", unit="b")
    urgent = steps.submitted(world, "突发事件首报", kind="urgent")
    steps.submitted(world, "又一篇")
    found = intake.intake(world.editor)
    ids = [a.id for a in found.page.items]
    assert ids[:3] == [urgent, first, second]
    assert found.counts == {"submitted": 4, "received": 0} and found.total == 4
    articles.fire(world.editor, first, "receive", today=DAY)
    received = intake.intake(world.editor, state="received")
    assert [a.id for a in received.page.items] == [first]
    assert received.counts == {"submitted": 3, "received": 1}


def test_the_intake_issues_the_same_statements_whatever_the_number_of_articles(world: World) -> None:
    """Every list paginated in the query and the counts one GROUP BY: 3 articles or 25, the same statements."""
    for n in range(3):
        steps.submitted(world, f"稿件{n}")
    db.session.expire_all()
    with steps.counted_statements() as few:
        intake.intake(world.editor)
    for n in range(22):
        steps.submitted(world, f"更多稿件{n}", unit="b")
    db.session.expire_all()
    with steps.counted_statements() as many:
        found = intake.intake(world.editor)
    assert found.page.total == 25 and len(found.page.items) == intake.PER_PAGE
    assert len(many) == len(few) <= 12


def test_the_queues_pages_follow_one_another_in_its_order_pub_2_3(world: World) -> None:
    """The page's ids are read first in the queue's order, then their articles (KeyedOffsetPage): page after page
    lists every waiting article once, urgent reports first (PUB-2.3), each page in the queue's order."""
    ordinary = [steps.submitted(world, f"一般信息{n}", unit="ab"[n % 2]) for n in range(9)]
    urgent = [steps.submitted(world, f"突发事件{n}", kind="urgent") for n in range(2)]
    pages = [intake.intake(world.editor, page=n, per_page=4) for n in (1, 2, 3)]
    assert [len(p.page.items) for p in pages] == [4, 4, 3]
    assert [p.page.total for p in pages] == [11, 11, 11] and pages[0].page.pages == 3
    assert [a.id for p in pages for a in p.page.items] == urgent + ordinary
    assert (
        intake.intake(world.editor, page=4, per_page=4).page.items == []
    )  # past the end: an empty page (API)
    last = intake.intake(
        world.editor, page=99, per_page=4, last_if_past_end=True
    ).page  # the page people read
    assert last.page == 3 and [a.id for a in last.items] == ordinary[6:]
    articles.fire(world.editor, ordinary[0], "receive", today=DAY)
    submitted = intake.intake(world.editor, state="submitted", per_page=4)
    assert submitted.page.total == 10 and submitted.page.pages == 3
    assert [a.id for a in submitted.page.items] == urgent + ordinary[1:3]


def test_neighbours_in_the_queue_are_the_previous_and_next_for_j_and_k(world: World) -> None:
    a, b, c = (steps.submitted(world, f"第{n}篇") for n in range(3))
    article = articles.load(world.editor, b)
    assert intake.neighbours(world.editor, world.office, article) == (a, c)
    assert intake.neighbours(world.editor, world.office, articles.load(world.editor, a)) == (None, b)


def test_adopting_from_submitted_receives_then_adopts_in_one_transaction_with_two_audit_rows(
    world: World,
) -> None:
    """AT-06 then AT-08 (PUB-5.3, INF-2.0): the editor decided on reading; the trail says both steps."""
    article_id = steps.submitted(world)
    article = triage.act(world.editor, article_id, "adopt", adoption=_adoption(world), today=DAY)
    assert article.state == "adopted" and article.received_by_id == world.editor.id
    trail = trail_of("article", article_id)
    assert [row.event for row in trail][-2:] == ["receive", "adopt"]
    assert trail[-2].rule_id == "PUB-5.3" and "分拣时接收并采用" in trail[-2].comment
    assert trail[-1].rule_id == "INF-2.0" and "《市组工信息》经验类·单条" in trail[-1].comment
    assert verify_chain("article", article_id)


def test_a_refused_adoption_from_submitted_leaves_nothing_half_written(world: World) -> None:
    article_id = steps.submitted(world)
    before = len(trail_of("article", article_id))
    with pytest.raises(InvalidInput) as refused:
        triage.act(world.editor, article_id, "adopt", adoption=_adoption(world, klass="made-up"), today=DAY)
    assert refused.value.field == "class_code"
    db.session.rollback()
    article = db.session.get(Article, article_id)
    assert article is not None and article.state == "submitted" and article.received_on is None
    assert len(trail_of("article", article_id)) == before


def test_declining_needs_a_reason_quoting_the_rule_inf_2_0(world: World) -> None:
    article_id = steps.submitted(world)
    with pytest.raises(Refused) as refused:
        triage.act(world.editor, article_id, "decline", reason="不", today=DAY)
    assert refused.value.field == "reason" and "INF-2.0" in refused.value.message
    assert "依据《县信息工作绩效考核方案》二、信息计分" in refused.value.message
    article = triage.act(world.editor, article_id, "decline", reason="内容与上月来稿重复", today=DAY)
    assert article.state == "not_adopted"
    assert [row.event for row in trail_of("article", article_id)][-2:] == ["receive", "decline"]


# -- over HTTP ---------------------------------------------------------------------------------------------------


def test_the_intake_page_lists_the_queue_with_counts(world: World, client) -> None:
    urgent = steps.submitted(world, "突发事件首报", kind="urgent")
    steps.submitted(world, "一般信息")
    steps.login(client, world.editor)
    page = client.get("/office/articles")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert text.index("突发事件首报") < text.index("一般信息")
    assert 'data-count-state="submitted"' in text and f"/office/articles/{urgent}/triage" in text
    bad_state = client.get("/office/articles?state=drafts")
    assert bad_state.status_code == 400 and "状态只能是已报送或编辑中" in bad_state.get_data(as_text=True)
    assert client.get("/office/articles?page=0").status_code == 400


def test_the_triage_screen_has_the_shortcut_legend_and_the_keyboard_script(world: World, client) -> None:
    first, second = steps.submitted(world, "第一篇"), steps.submitted(world, "第二篇")
    steps.login(client, world.editor)
    text = client.get(f"/office/articles/{first}/triage").get_data(as_text=True)
    for key in ("R", "T", "A", "D"):
        assert f'data-key="{key}"' in text
    assert 'data-testid="shortcut-legend"' in text and "<kbd>J</kbd>" in text
    assert f'id="triage-next" data-key="J" href="/office/articles/{second}/triage"' in text
    assert "/static/js/triage.js?v=" in text
    script = client.get("/static/js/triage.js")
    assert script.status_code == 200 and b"data-key" in script.data


def test_after_a_decision_the_next_article_in_the_queue_opens(world: World, client) -> None:
    first, second = steps.submitted(world, "第一篇"), steps.submitted(world, "第二篇")
    steps.login(client, world.editor)
    version = steps.version_of(client.get(f"/office/articles/{first}/triage").get_data(as_text=True))
    done = client.post(f"/office/articles/{first}/triage", data={"t-action": "receive", "t-version": version})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/office/articles/{second}/triage")
    version = steps.version_of(client.get(f"/office/articles/{second}/triage").get_data(as_text=True))
    done = client.post(
        f"/office/articles/{second}/triage",
        data={"t-action": "adopt", "t-version": version, "t-publication_id": str(world.own_publication.id),
              "t-class_code": "exp", "t-form_code": "single"},
    )  # fmt: skip
    # the last of the queue: back to the first one still waiting (the received one)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/office/articles/{first}/triage")
    assert db.session.get(Article, second).state == "adopted"  # type: ignore[union-attr]


def test_a_refused_return_quotes_the_rule_and_keeps_what_was_typed(world: World, client) -> None:
    article_id = steps.submitted(world)
    steps.login(client, world.editor)
    version = steps.version_of(client.get(f"/office/articles/{article_id}/triage").get_data(as_text=True))
    answer = client.post(
        f"/office/articles/{article_id}/triage",
        data={"t-action": "return", "t-version": version, "t-reason": "改", "t-note": "备注保留"},
    )
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "依据《区民政局宣传工作考评办法》信息内容要求" in text and "PUB-2.4" in text
    assert "\n改</textarea>" in text and 'value="备注保留"' in text
    assert db.session.get(Article, article_id).state == "submitted"  # type: ignore[union-attr]


def test_a_form_from_an_older_version_is_refused_as_stale(world: World, client) -> None:
    article_id = steps.submitted(world)
    steps.login(client, world.editor)
    version = steps.version_of(client.get(f"/office/articles/{article_id}/triage").get_data(as_text=True))
    articles.fire(world.head, article_id, "receive", today=DAY)
    answer = client.post(
        f"/office/articles/{article_id}/triage", data={"t-action": "receive", "t-version": version}
    )
    assert answer.status_code == 409 and "已被他人处理，请刷新。" in answer.get_data(as_text=True)
    missing = client.post(f"/office/articles/{article_id}/triage", data={"t-action": "receive"})
    assert missing.status_code == 400 and "版本信息" in missing.get_data(as_text=True)


@pytest.mark.parametrize("who", ["outsider", "upper_editor", "officer_b"])
def test_people_outside_the_office_get_404_on_the_triage_screen(world: World, client, who: str) -> None:
    article_id = steps.submitted(world)
    steps.login(client, getattr(world, who))
    assert client.get(f"/office/articles/{article_id}/triage").status_code == 404
    answer = client.post(
        f"/office/articles/{article_id}/triage", data={"t-action": "receive", "t-version": "1"}
    )
    assert answer.status_code == 404
    assert db.session.get(Article, article_id).state == "submitted"  # type: ignore[union-attr]


@pytest.mark.parametrize("who", ["reader", "officer_a", "signer_a"])
def test_a_reader_or_the_unit_cannot_triage(world: World, client, who: str) -> None:
    """They may see the article (the reader at the office, the unit its own) but decide nothing: 403."""
    article_id = steps.submitted(world)
    steps.login(client, getattr(world, who))
    assert client.get("/office/articles").status_code == 403
    assert client.get(f"/office/articles/{article_id}/triage").status_code == 403
    answer = client.post(
        f"/office/articles/{article_id}/triage", data={"t-action": "receive", "t-version": "1"}
    )
    assert answer.status_code == 403
    assert db.session.get(Article, article_id).state == "submitted"  # type: ignore[union-attr]


def _queue_count(page: str, state: str) -> int:
    found = re.search(rf'data-count-state="{state}">[^<]*<span[^>]*>(\d+)</span>', page)
    assert found, f"the {state} tab shows its count"
    return int(found.group(1))


def test_the_queue_counts_are_kept_under_the_offices_revision_and_follow_a_new_submission_pub_2_3(
    world: World, client
) -> None:
    """PUB-2.3 (the office reads what arrived): the queue's counts are kept under the office's records revision,
    which comes with the signed-in person, so a second view neither counts the queue nor probes the revision; an
    article submitted since, committed by another request, is counted; one received moves between the tabs."""

    def view() -> str:
        # the world's app context outlives each request here, and with it the person Flask-Login loaded and the
        # request's memo: a request of a server starts with neither
        forget()
        g.pop("_login_user", None)
        return client.get("/office/articles").get_data(as_text=True)

    first = steps.submitted(world, "一般信息")
    steps.login(client, world.editor)
    view()
    with steps.counted_statements() as sql:
        before = view()
    assert not [s for s in sql if "count(articles.id)" in s]
    assert not [s for s in sql if s.startswith("SELECT article_offices.records_revision")]
    # the page's ids are kept too (`pagination.KeptPages`): the second view reads its articles by id, unsorted
    (page_read,) = [s for s in sql if "FROM articles" in s and "record_unit" in s]
    assert "LIMIT" not in page_read and f'data-article-id="{first}"' in before
    second = steps.submitted(world, "又一篇一般信息", unit="b")
    after = view()
    assert _queue_count(after, "submitted") == _queue_count(before, "submitted") + 1
    assert f'data-article-id="{second}"' in after  # the revision moved: the page was found afresh, with it
    articles.fire(world.editor, first, "receive", today=DAY)
    moved = view()
    assert _queue_count(moved, "submitted") == _queue_count(after, "submitted") - 1
    assert _queue_count(moved, "received") == _queue_count(after, "received") + 1


def test_an_empty_forwarded_section_costs_no_statement_and_fills_with_the_next_forwarding_inf_2_5(
    world: World, client
) -> None:
    """INF-2.5 (上报): the upper office's intake remembers that its 上报 section was empty under its records
    revision; a forwarding to it moves the revision, so the next view lists it, and the decision on it (a
    conditional UPDATE the flush does not see) moves it again, so the section is empty once more."""
    from webapp.articles.services import forwarding

    def view() -> str:
        forget()  # as in the test above: a server's request starts without the world's memo and person
        g.pop("_login_user", None)
        return client.get("/office/articles").get_data(as_text=True)

    steps.upper_head(world)
    article_id = steps.adopted(world)
    steps.login(client, world.upper_editor)
    assert "没有待处理的下级上报信息" in view()
    with steps.counted_statements() as sql:
        empty = view()
    assert not [s for s in sql if "article_forwardings AS passed" in s]
    assert "没有待处理的下级上报信息" in empty
    passed = forwarding.forward(world.editor, article_id, "up", note="经验做法值得推广", today=DAY)
    assert f'data-forwarding-id="{passed.id}"' in view()
    forwarding.decline(world.upper_editor, passed.id, reason="与本地工作关联不大，不予采用", today=DAY)
    with steps.counted_statements() as sql:
        view()
    assert [s for s in sql if "article_forwardings AS passed" in s]  # read again: it changed
    with steps.counted_statements() as sql:
        view()
    assert not [s for s in sql if "article_forwardings AS passed" in s]  # and seen empty once more


def test_the_intake_names_its_office_in_its_statements(world: World) -> None:
    """PostgreSQL keeps one plan for a statement run often (``plan_cache_mode = auto``); offices differ a
    hundredfold in size, so the office is written into the statement (`skewed_key`): each office's queue is
    planned for itself, never with a plan made for another."""
    steps.submitted(world, "一篇")
    db.session.expire_all()
    with steps.counted_statements() as seen:
        intake.intake(world.editor)
    scoped = [sql for sql in seen if "articles.office_id" in sql]
    assert scoped and all(f"articles.office_id = {world.office.id}" in sql for sql in scoped)


def test_the_queue_reads_plain_records_that_say_what_the_articles_say_pub_2_3(world: World) -> None:
    """Issue 12: the queue's rows are plain records (`webapp.core.records`), read without the ORM; each holds the
    columns the queue and the API show, its unit, and the names the article gives its state, secrecy and kind
    (an urgent report first, PUB-2.3)."""

    ids = [
        steps.submitted(world, "较早的一般信息"),
        steps.submitted(world, "突发事件首报", kind="urgent"),
        steps.submitted(world, "另一单位的信息", unit="b"),
    ]
    records = intake.intake(world.editor).page.items
    assert [record.id for record in records] == [ids[1], ids[0], ids[2]]
    for record in records:
        article = db.session.get(Article, record.id)
        assert article is not None
        for column in intake.LISTED_COLUMNS:
            assert getattr(record, column) == getattr(article, column), column
        assert (record.unit.id, record.unit.name) == (article.unit.id, article.unit.name)
        assert (record.state_label, record.secrecy_label, record.kind_label) == (
            article.state_label,
            article.secrecy_label,
            article.kind_label,
        )
