"""Admin changes (users, roles, passwords, organisations, the demo clock) go to the one hash-chained audit trail,
and the administrator reads them on a paginated page."""

import sqlalchemy as sa

from webapp.core.extensions import db
from webapp.core.models import AuditEvent, Organisation, User
from webapp.core.services import accounts, demo_clock
from webapp.core.services.audit import ADMIN_EVENT_LABELS, ADMIN_SUBJECTS, verify_chain


def _ids(app, username):
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        return user.id, user.organisation_id


def _admin_rows(app):
    with app.app_context():
        rows = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.subject_type.in_(list(ADMIN_SUBJECTS)))
            .where(AuditEvent.event.in_(list(ADMIN_EVENT_LABELS)))  # not the users' own sign-ins
            .order_by(AuditEvent.id)
        ).all()
        return [(r.subject_type, r.subject_id, r.event, r.actor_name, r.comment) for r in rows]


def test_every_admin_change_is_on_the_trail_with_who_made_it(demo, client, auth):
    auth.login("secadmin")
    user_id, org_id = _ids(demo, "city-staff")
    client.post(f"/admin/users/{user_id}/roles", data={"roles": ["bureau_staff", "reviewer"]})
    auth.logout()
    auth.login("admin")
    client.post(
        f"/admin/users/{user_id}/password", data={"password": "new-password-1", "confirm": "new-password-1"}
    )
    client.post(f"/admin/users/{user_id}/active", data={"active": "0", "confirm": "1"})
    with demo.app_context():
        county = db.session.scalar(sa.select(Organisation).where(Organisation.code == "yc-yl"))
        county_id = county.id
    client.post(
        "/admin/organisations/new",
        data={
            "name": "夷陵区审计局",
            "code": "yc-yl-sjj",
            "kind": "organ",
            "tier": "county_direct",
            "bureau_tier": "",
            "parent_id": county_id,
            "authority_status": "active",
            "active": "y",
        },
    )
    client.post("/admin/clock", data={"action": "advance", "advance-days": "7"})

    rows = _admin_rows(demo)
    events = [(subject, event) for subject, _, event, _, _ in rows]
    assert events == [
        ("user", "roles_changed"),
        ("user", "password_reset"),
        ("user", "user_deactivated"),
        ("organisation", "organisation_created"),
        ("settings", "demo_clock_set"),
    ]
    assert [actor for _, _, _, actor, _ in rows] == ["安全管理员"] + ["系统管理员"] * 4
    assert rows[0][4] == "调整用户「city-staff」的角色：档案局经办人 → 档案局经办人、评审专家"
    assert "new-password-1" not in " ".join(comment for *_, comment in rows)  # never a password
    assert "夷陵区审计局" in rows[3][4] and "上级单位：夷陵区档案局" in rows[3][4]
    assert rows[4][4] == "演示日期：2027-01-05 → 2027-01-12"
    with demo.app_context():
        assert verify_chain("user", user_id).checked == 3 and verify_chain("user", user_id).ok
        assert verify_chain("settings", 0).ok

    page = client.get("/admin/audit").get_data(as_text=True)
    assert page.index("设置演示日期") < page.index("新建单位") < page.index("调整角色")  # newest first
    assert "系统管理员" in page and "调整角色" in page


def test_an_edit_records_only_what_changed(demo, client, auth):
    auth.login("admin")
    user_id, org_id = _ids(demo, "city-staff")
    client.post(
        f"/admin/users/{user_id}/edit",
        data={
            "username": "city-staff",
            "display_name": "李晓梅（市局）",
            "organisation_id": org_id,
            "roles": ["bureau_head"],  # not this form's: ignored (三员分立)
            "active": "y",
        },
    )
    rows = _admin_rows(demo)
    assert [(event, comment) for _, _, event, _, comment in rows] == [
        ("user_updated", "修改用户「city-staff」：姓名：李晓梅 → 李晓梅（市局）")
    ]


def test_a_refused_change_leaves_no_trail(demo, client, auth):
    """Nothing half-written: a change the service refuses writes neither the change nor its audit row."""
    auth.login("admin")
    user_id, org_id = _ids(demo, "admin")
    client.post(
        f"/admin/users/{user_id}/edit",
        data={"username": "admin", "display_name": "系统管理员", "organisation_id": org_id, "active": ""},
    )
    client.post(
        f"/admin/users/{_ids(demo, 'city-staff')[0]}/password", data={"password": "short", "confirm": "short"}
    )
    assert _admin_rows(demo) == []


def test_users_made_on_the_command_line_are_on_the_trail_as_the_command(demo):
    with demo.app_context():
        org_id = _ids(demo, "city-staff")[1]
        user = accounts.create_user(
            accounts.UserData("new-staff", "新同事", org_id, frozenset({"bureau_staff"})),
            "long-enough-1",
            actor_name="命令行 kaoping create-user",
        )
        row = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.about("user", user.id)))
        assert (row.event, row.actor_name, row.actor_user_id) == (
            "user_created",
            "命令行 kaoping create-user",
            None,
        )
        assert "角色：档案局经办人" in row.comment


def test_the_admin_trail_is_paginated_in_the_query(demo, client, auth):
    with demo.app_context():
        for day in range(1, 46):
            demo_clock.set_demo_offset(day)
    auth.login("admin")
    first = client.get("/admin/audit").get_data(as_text=True)
    assert first.count('data-event="demo_clock_set"') == 20 and "共 45 条" in first
    last = client.get("/admin/audit?page=3").get_data(as_text=True)
    assert last.count('data-event="demo_clock_set"') == 5
    assert client.get("/admin/audit?subject=organisation").get_data(as_text=True).count("data-event=") == 0


def test_only_the_administrator_reads_the_admin_trail(demo, client, auth):
    auth.login("prov-head")
    assert client.get("/admin/audit").status_code == 403
