"""Leaders' instructions (批示) on adopted articles and their follow-ups (落实反馈), through the services (INF-2.7)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import render_template
from flask_login import login_user

from tests.webapp.articles.conftest import World
from tests.webapp.articles.issue_world import DAY, adopted
from webapp.articles.models import FollowUp, Instruction
from webapp.articles.services import articles, instructions, issues
from webapp.articles.services.errors import Refused
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.services.audit import trail_of
from webapp.core.services.errors import InvalidInput, NotFound

LATER = DAY + timedelta(days=3)


def _record(world: World, article_id: int, **kwargs: object) -> Instruction:
    values: dict[str, object] = {
        "leader": "张某某（市委书记）", "level": "city", "text": "此做法很好，请组织部总结推广。",
        "instructed_on": LATER, "today": LATER,
    }  # fmt: skip
    values.update(kwargs)
    return instructions.record(world.editor, article_id, **values)  # type: ignore[arg-type]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=clock.SHANGHAI)


def test_an_instruction_on_an_adopted_article_is_recorded_in_its_trail_inf_2_7(world: World) -> None:
    article_id = adopted(world).article_id
    instruction = _record(world, article_id)
    assert (instruction.level_label, instruction.office_id) == ("市领导", world.office.id)
    row = trail_of("article", article_id)[-1]
    assert row.event == "instruction_recorded" and row.rule_id == "INF-2.7"
    assert "市领导张某某（市委书记）2027-01-08批示" in row.comment


def test_no_instruction_on_an_article_not_adopted_quoting_inf_2_7(world: World) -> None:
    article = articles.create_draft(
        world.officer_a, office_id=world.office.id, title="未采用稿", body="正文", today=DAY
    )
    articles.fire(world.officer_a, article.id, "submit", today=DAY)
    articles.fire(world.signer_a, article.id, "sign_off", today=DAY)
    with pytest.raises(Refused) as refused:
        _record(world, article.id)
    assert refused.value.status == 409 and refused.value.rule == "INF-2.7"
    assert refused.value.message.startswith(
        "依据《县信息工作绩效考核方案》二、信息计分：凡领导作出批示的信息"
    )
    assert db.session.scalar(sa.select(sa.func.count(Instruction.id))) == 0


def test_the_date_is_not_in_the_future_nor_before_the_adoption(world: World) -> None:
    article_id = adopted(world, day=date(2027, 1, 5)).article_id
    with pytest.raises(InvalidInput) as future:
        _record(world, article_id, instructed_on=LATER + timedelta(days=1))
    assert future.value.field == "instructed_on" and "不能晚于今天" in future.value.message
    with pytest.raises(InvalidInput) as early:
        _record(world, article_id, instructed_on=date(2027, 1, 4))
    assert "不能早于采用日期（2027-01-05）" in early.value.message
    assert _record(world, article_id, instructed_on=date(2027, 1, 5)).instructed_on == date(2027, 1, 5)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("leader", "   ", "请填写批示领导"),
        ("leader", "领" * 61, "批示领导不超过60字"),
        ("level", "emperor", "请选择领导级别"),
        ("text", "", "请填写批示内容"),
        ("text", "批" * 2001, "批示内容不超过2000字"),
        ("instructed_on", None, "请填写批示日期"),
    ],
)
def test_typed_values_are_checked(world: World, field: str, value: object, message: str) -> None:
    article_id = adopted(world).article_id
    with pytest.raises(InvalidInput) as refused:
        _record(world, article_id, **{field: value})
    assert refused.value.field == field and message in refused.value.message


def test_only_the_adopting_offices_editor_or_head_records(world: World) -> None:
    article_id = adopted(world).article_id
    for stranger in (world.upper_editor, world.outsider, world.officer_b):
        with pytest.raises(NotFound):
            instructions.record(
                stranger, article_id, leader="李某", level="city", text="阅", instructed_on=LATER, today=LATER
            )
    for unit_person in (world.officer_a, world.signer_a, world.reader):
        with pytest.raises(Refused) as refused:
            instructions.record(
                unit_person,
                article_id,
                leader="李某",
                level="city",
                text="阅",
                instructed_on=LATER,
                today=LATER,
            )
        assert refused.value.status == 403


def test_a_follow_up_goes_to_a_unit_of_the_office_by_a_deadline(world: World) -> None:
    article_id = adopted(world).article_id
    with pytest.raises(InvalidInput) as outsider_unit:
        _record(
            world, article_id, follow_up=instructions.FollowUpInput(world.outsider.organisation_id, LATER)
        )
    assert outsider_unit.value.field == "unit_id"
    with pytest.raises(InvalidInput) as past:
        _record(world, article_id, follow_up=instructions.FollowUpInput(world.unit_b.id, DAY))
    assert past.value.field == "due_on"
    assert db.session.scalar(sa.select(sa.func.count(Instruction.id))) == 0  # nothing half-written
    instruction = _record(
        world,
        article_id,
        follow_up=instructions.FollowUpInput(world.unit_b.id, LATER + timedelta(days=7), "总结经验"),
    )
    [follow_up] = instruction.follow_ups
    assert (follow_up.unit_id, follow_up.request) == (world.unit_b.id, "总结经验")
    assert [r.event for r in trail_of("article", article_id)][-2:] == [
        "instruction_recorded",
        "follow_up_assigned",
    ]


def test_a_secret_articles_follow_up_goes_only_to_its_own_unit(world: World) -> None:
    article_id = adopted(world, secrecy="secret").article_id
    with pytest.raises(InvalidInput) as refused:
        _record(world, article_id, follow_up=instructions.FollowUpInput(world.unit_b.id, LATER))
    assert "秘密稿件" in refused.value.message


def test_the_unit_reports_and_a_late_report_is_marked_late(world: World) -> None:
    article_id = adopted(world).article_id
    due = LATER + timedelta(days=2)
    instruction = _record(world, article_id, follow_up=instructions.FollowUpInput(world.unit_b.id, due))
    first = instruction.follow_ups[0].id
    second = instructions.assign_follow_up(
        world.editor, instruction.id, instructions.FollowUpInput(world.unit_b.id, due), today=LATER
    ).id
    assert instructions.follow_ups_due(world.unit_b.id, due) == (2, 0)
    assert instructions.follow_ups_due(world.unit_b.id, due + timedelta(days=1)) == (2, 2)
    with pytest.raises(NotFound):
        instructions.report(world.officer_a, first, "不是本单位的", now=_at(due))
    on_time = instructions.report(world.officer_b, first, "已召开专题会议部署推广。", now=_at(due, 23))
    assert not instructions.is_late(on_time)
    late = instructions.report(world.signer_b, second, "已落实。", now=_at(due + timedelta(days=3)))
    assert instructions.is_late(late)
    assert "逾期3天" in trail_of("article", article_id)[-1].comment
    assert instructions.follow_ups_due(world.unit_b.id, due + timedelta(days=5)) == (0, 0)
    with pytest.raises(Refused) as again:
        instructions.report(world.officer_b, first, "再报一次", now=_at(due))
    assert again.value.code == "already_reported"


def test_the_units_list_hides_a_secret_articles_title_from_those_who_may_not_see_it(world: World) -> None:
    article_id = adopted(world, "秘密稿件标题", secrecy="secret").article_id
    _record(world, article_id, follow_up=instructions.FollowUpInput(world.unit_a.id, LATER))
    page = instructions.unit_follow_ups(world.officer_a2)
    [follow_up] = page.items
    assert instructions.visible_article_ids(world.officer_a2, [follow_up.instruction.article_id]) == set()
    assert instructions.visible_article_ids(world.officer_a, [article_id]) == {article_id}
    assert instructions.unit_follow_ups(world.officer_b).items == []
    assert instructions.unit_follow_ups(world.editor).items == []


def test_the_office_lists_its_instructions_newest_first_paginated(world: World) -> None:
    for n in range(3):
        _record(world, adopted(world, f"稿件{n}").article_id, instructed_on=DAY + timedelta(days=n))
    page = instructions.office_instructions(world.editor, per_page=2)
    assert (page.total, page.pages) == (3, 2)
    assert [i.article.title for i in page.items] == ["稿件2", "稿件1"]
    assert instructions.office_instructions(world.upper_editor).total == 0
    assert instructions.office_instructions(world.officer_a).total == 0


def test_the_article_page_shows_instructions_placements_and_the_entry_button(app, world: World) -> None:
    adoption = adopted(world, "甲县经验")
    _record(world, adoption.article_id, follow_up=instructions.FollowUpInput(world.unit_a.id, LATER))
    issue = issues.create(world.editor, world.own_publication.id, issued_on=DAY, today=DAY)
    issues.add_items(world.editor, issue.id, [adoption.id])
    article = articles.load(world.editor, adoption.article_id)
    with app.test_request_context():
        login_user(world.editor)
        page = render_template(
            "articles/article/_publishing_actions.html", article=article, functions={"editor"}
        )
    assert "张某某（市委书记）" in page and "2027年第1期，总第1期" in page and "录入领导批示" in page
    with app.test_request_context():
        login_user(world.officer_a)
        page = render_template(
            "articles/article/_publishing_actions.html", article=article, functions={"author"}
        )
    assert "张某某（市委书记）" in page and "录入领导批示" not in page
    assert db.session.scalar(sa.select(sa.func.count(FollowUp.id))) == 1
