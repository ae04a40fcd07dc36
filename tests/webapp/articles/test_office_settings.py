"""The office's configuration (its head only): publications, classes and forms, units and groups, timers. The
vocabularies are the office's data, never code; codes never change, so adoptions keep theirs; every change is
in the office's audit trail (subject ``article_office``)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.webapp.articles import office_steps as steps
from tests.webapp.articles.conftest import World
from webapp.articles.models import Adoption, OfficeUnit
from webapp.articles.services import adoptions, office_settings, permissions
from webapp.articles.services.adoptions import AdoptionInput
from webapp.articles.services.errors import Refused
from webapp.core.extensions import db
from webapp.core.services.audit import trail_of
from webapp.core.services.errors import Conflict, InvalidInput


def _events(world: World) -> list[str]:
    return [row.event for row in trail_of("article_office", world.office.id)]


@pytest.mark.parametrize("who", ["editor", "reader", "officer_a", "upper_editor", "outsider"])
def test_only_the_offices_head_changes_its_settings(world: World, client, who: str) -> None:
    user = getattr(world, who)
    with pytest.raises(Refused) as refused:
        office_settings.add_publication(user, name="《新刊》", code="PX")
    assert refused.value.status == 403
    steps.login(client, user)
    assert client.get("/office/settings").status_code == 403
    assert (
        client.post("/office/settings/timers", data={"timers-first_report_minutes": "30"}).status_code == 403
    )


def test_publications_are_added_renamed_and_deactivated_and_keep_their_code(world: World) -> None:
    article_id = steps.adopted(world)
    added = office_settings.add_publication(world.head, name="《组工动态》", code="P9", own=True, position=5)
    assert (added.code, added.own, added.active) == ("P9", True, True)
    with pytest.raises(Conflict) as taken:
        office_settings.add_publication(world.head, name="《重名代码》", code="P9")
    assert taken.value.field == "code"
    with pytest.raises(InvalidInput):
        office_settings.add_publication(world.head, name="《坏代码》", code="P 9")
    with pytest.raises(InvalidInput):
        office_settings.add_publication(world.head, name="  ", code="P10")
    office_settings.update_publication(world.head, world.own_publication.id, name="《市组工信息（新版）》")
    adoption = db.session.scalars(sa.select(Adoption).where(Adoption.article_id == article_id)).one()
    assert adoption.publication.code == "P3" and "《市组工信息（新版）》" in adoptions.describe(adoption)
    office_settings.update_publication(world.head, added.id, active=False)
    assert added.id not in [pid for pid, _ in adoptions.choices(world.office.id).publications]
    with pytest.raises(InvalidInput):  # a deactivated publication takes no new adoption
        adoptions.record(
            world.editor,
            adoption.article,
            world.office,
            AdoptionInput(added.id, "exp", "single"),
            today=steps.DAY,
        )
    assert _events(world)[-3:] == ["publication_added", "publication_changed", "publication_changed"]
    assert (
        "名称：《市组工信息》 → 《市组工信息（新版）》"
        in trail_of("article_office", world.office.id)[-2].comment
    )


def test_classes_and_forms_are_the_offices_vocabulary(world: World) -> None:
    article_id = steps.adopted(world)
    term = office_settings.add_term(world.head, "class", code="news", name="动态类")
    assert ("news", "动态类") in adoptions.choices(world.office.id).classes
    exp = next(t for t in office_settings.settings(world.head).terms["class"] if t.code == "exp")
    office_settings.update_term(world.head, exp.id, name="经验交流类", active=False)
    offered = adoptions.choices(world.office.id)
    assert "exp" not in dict(offered.classes) and "news" in dict(offered.classes)
    adoption = db.session.scalars(sa.select(Adoption).where(Adoption.article_id == article_id)).one()
    assert adoption.class_code == "exp" and "经验交流类" in adoptions.describe(adoption)
    with pytest.raises(InvalidInput):
        office_settings.add_term(world.head, "colour", code="x", name="颜色")
    with pytest.raises(InvalidInput) as position:
        office_settings.update_term(world.head, term.id, position=1000)
    assert position.value.field == "position"
    assert _events(world)[-2:] == ["term_added", "term_changed"]


def test_units_join_in_a_group_of_the_ledger_scheme_and_leave(world: World) -> None:
    from tests.factories import make_organ

    new_unit = make_organ(world.office.organisation.parent, name="丙区委组织部", code="unit-c")
    db.session.commit()
    with pytest.raises(InvalidInput) as group:
        office_settings.add_unit(world.head, organisation="unit-c", group="nowhere")
    assert group.value.field == "group"
    row = office_settings.add_unit(world.head, organisation="丙区委组织部", group="zone")
    assert (row.unit_id, row.group_code, row.active) == (new_unit.id, "zone", True)
    with pytest.raises(Conflict):
        office_settings.add_unit(world.head, organisation="unit-c", group="county")
    with pytest.raises(InvalidInput):
        office_settings.add_unit(world.head, organisation="没有这个单位", group="county")
    member = db.session.scalars(
        sa.select(OfficeUnit).where(
            OfficeUnit.office_id == world.office.id, OfficeUnit.unit_id == world.unit_a.id
        )
    ).one()
    assert permissions.can_write(world.officer_a, world.office.id)
    office_settings.update_unit(world.head, member.id, active=False)
    assert not permissions.can_write(world.officer_a, world.office.id)
    comment = trail_of("article_office", world.office.id)[-1].comment
    assert "报送：是 → 否" in comment and world.unit_a.name in comment


def test_timers_are_checked_against_their_ranges_pub_2_3(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        office_settings.set_timers(
            world.head, first_report_minutes=2, followup_minutes=240, commission_warning_days=2
        )
    assert refused.value.field == "first_report_minutes"
    with pytest.raises(InvalidInput):
        office_settings.set_timers(
            world.head, first_report_minutes=60, followup_minutes=240, commission_warning_days=True
        )
    office = office_settings.set_timers(
        world.head, first_report_minutes=30, followup_minutes=120, commission_warning_days=3
    )
    assert (office.first_report_minutes, office.followup_minutes, office.commission_warning_days) == (
        30,
        120,
        3,
    )
    assert "首报时限（分钟）：60 → 30" in trail_of("article_office", world.office.id)[-1].comment


def test_the_settings_page_keeps_what_was_typed_and_names_the_field(world: World, client) -> None:
    steps.login(client, world.head)
    page = client.get("/office/settings")
    assert page.status_code == 200 and "《市组工信息》" in page.get_data(as_text=True)
    bad = client.post("/office/settings/publications", data={"newpub-name": "《新刊》", "newpub-code": "P 9"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "代码须为1至40位字母" in text and 'value="《新刊》"' in text
    ok = client.post("/office/settings/publications", data={"newpub-name": "《新刊》", "newpub-code": "P9"})
    assert ok.status_code == 302
    timers = client.post(
        "/office/settings/timers",
        data={"timers-first_report_minutes": "99999", "timers-followup_minutes": "240",
              "timers-commission_warning_days": "2"},
    )  # fmt: skip
    assert timers.status_code == 400 and "首报时限应在5至1440分钟之间" in timers.get_data(as_text=True)
    assert client.post("/office/settings/terms/999999", data={"term999999-name": "x"}).status_code == 404
