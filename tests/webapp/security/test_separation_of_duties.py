"""Separation of duties (三员分立, 等保 2.0 GB/T 22239—2019 level 3, 安全管理中心 / 访问控制): the system
administrator keeps organisations and accounts, the security administrator grants roles, the auditor reads the
audit trail; no account holds two of them, none of them holds a business role or acts in a procedure.

The route matrix (test_route_matrix.py) proves the three are refused by every case, article and campaign page;
here: the rule itself, where it is enforced, the two user forms, the demo accounts and the migration."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from tests.factories import make_test_app
from webapp.core.extensions import db
from webapp.core.models import ADMIN_ROLES, ROLE_LABELS, AuditEvent, Organisation, User, UserRole
from webapp.core.services import accounts
from webapp.core.services.errors import ServiceError
from webapp.core.services.roles import check_separation
from webapp.grading.models import Case
from webapp.grading.services import permissions


def _user(app, username):
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        return user.id, set(user.roles), user.organisation_id


def _admin_trail(app):
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.subject_type == "user")
        )


@pytest.mark.parametrize(
    "roles",
    [
        {"sys_admin", "security_admin"},
        {"sys_admin", "auditor"},
        {"security_admin", "auditor"},
        {"auditor", "bureau_head"},
        {"sys_admin", "unit_applicant"},
        {"security_admin", "reviewer"},
        {"auditor", "campaign_head"},
    ],
)
def test_an_account_may_not_hold_two_administrator_roles_or_one_and_a_business_role(roles):
    with pytest.raises(ServiceError) as refused:
        check_separation(roles)
    assert refused.value.code == "separation_of_duties" and refused.value.field == "roles"
    assert "三员分立" in refused.value.message and "等保 2.0" in refused.value.message


@pytest.mark.parametrize(
    "roles", [{"sys_admin"}, {"security_admin"}, {"auditor"}, {"bureau_staff", "reviewer"}]
)
def test_one_administrator_role_alone_or_business_roles_only_are_accepted(roles):
    check_separation(roles)


def test_notice_editor_is_gone_and_the_three_administrators_are_labelled():
    assert "notice_editor" not in ROLE_LABELS
    assert {ROLE_LABELS[role] for role in ADMIN_ROLES} == {"系统管理员", "安全管理员", "审计员"}


def test_creating_an_account_with_two_administrator_roles_is_refused_and_nothing_is_written(demo):
    with demo.app_context():
        org_id = db.session.scalar(sa.select(Organisation.id).where(Organisation.code == "hb"))
        before = db.session.scalar(sa.select(sa.func.count(User.id)))
        with pytest.raises(ServiceError, match="三员分立"):
            accounts.create_user(
                accounts.UserData("root2", "超级管理员", org_id, frozenset({"sys_admin", "security_admin"})),
                "long-enough-password-1",
                actor_name="test",
            )
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == before


def test_the_command_line_refuses_an_auditor_who_is_also_a_bureau_head(demo):
    result = demo.test_cli_runner().invoke(
        args=[
            "create-user",
            "aud-head",
            "--org",
            "hb",
            "--role",
            "auditor",
            "--role",
            "bureau_head",
            "--password",
            "long-enough-1",
        ]  # fmt: skip
    )
    assert result.exit_code != 0 and "三员分立" in result.output
    with demo.app_context():
        assert db.session.scalar(sa.select(User.id).where(User.username == "aud-head")) is None


def test_the_system_administrators_user_form_has_no_roles_and_posted_roles_are_ignored(demo, client, auth):
    """sys_admin keeps accounts, never roles: a crafted POST with roles changes the name only."""
    auth.login("admin")
    user_id, roles, org_id = _user(demo, "city-staff")
    page = client.get(f"/admin/users/{user_id}/edit").get_data(as_text=True)
    assert 'name="roles"' not in page
    response = client.post(
        f"/admin/users/{user_id}/edit",
        data={
            "username": "city-staff",
            "display_name": "李晓梅（市局）",
            "organisation_id": org_id,
            "roles": ["bureau_head", "sys_admin"],
            "active": "y",
        },  # fmt: skip
    )
    assert response.status_code == 302
    assert _user(demo, "city-staff")[1] == roles == {"bureau_staff"}


def test_a_new_account_made_by_the_system_administrator_waits_for_its_roles(demo, client, auth):
    auth.login("admin")
    with demo.app_context():
        org_id = db.session.scalar(sa.select(Organisation.id).where(Organisation.code == "yc"))
    response = client.post(
        "/admin/users/new",
        data={
            "username": "yc-new",
            "display_name": "新同事",
            "organisation_id": org_id,
            "roles": ["bureau_head"],
            "active": "y",
            "password": "long-enough-password-1",
        },  # fmt: skip
    )
    assert response.status_code == 302
    assert _user(demo, "yc-new")[1] == set()


def test_the_system_administrator_cannot_open_the_roles_page(demo, client, auth):
    auth.login("admin")
    user_id = _user(demo, "city-staff")[0]
    assert client.get(f"/admin/users/{user_id}/roles").status_code == 403
    assert client.post(f"/admin/users/{user_id}/roles", data={"roles": ["bureau_head"]}).status_code == 403
    assert _user(demo, "city-staff")[1] == {"bureau_staff"}


def test_the_security_administrator_grants_roles_and_the_trail_records_it(demo, client, auth):
    auth.login("secadmin")
    user_id = _user(demo, "city-staff")[0]
    assert 'name="roles"' in client.get(f"/admin/users/{user_id}/roles").get_data(as_text=True)
    response = client.post(f"/admin/users/{user_id}/roles", data={"roles": ["bureau_staff", "reviewer"]})
    assert response.status_code == 302
    assert _user(demo, "city-staff")[1] == {"bureau_staff", "reviewer"}
    with demo.app_context():
        row = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert row.event == "roles_changed" and row.actor_name == "安全管理员"


def test_the_security_administrator_cannot_make_an_auditor_a_bureau_head(demo, client, auth):
    auth.login("secadmin")
    user_id = _user(demo, "auditor")[0]
    trail = _admin_trail(demo)
    response = client.post(f"/admin/users/{user_id}/roles", data={"roles": ["auditor", "bureau_head"]})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "三员分立" in page and "等保 2.0" in page
    assert _user(demo, "auditor")[1] == {"auditor"} and _admin_trail(demo) == trail


def test_the_security_administrator_cannot_change_their_own_roles(demo, client, auth):
    auth.login("secadmin")
    user_id = _user(demo, "secadmin")[0]
    response = client.post(f"/admin/users/{user_id}/roles", data={"roles": ["bureau_head"]})
    assert "不能调整自己的角色" in response.get_data(as_text=True)
    assert _user(demo, "secadmin")[1] == {"security_admin"}


@pytest.mark.parametrize("path", ["/admin/organisations", "/admin/users/new", "/admin/users/{id}/edit",
                                  "/admin/users/{id}/password"])  # fmt: skip
def test_the_security_administrator_does_not_keep_accounts_or_organisations(demo, client, auth, path):
    auth.login("secadmin")
    assert client.get(path.format(id=_user(demo, "city-staff")[0])).status_code == 403


def test_the_auditor_reads_no_case(demo):
    """The auditor used to read every applied case; now the audit trail only."""
    with demo.app_context():
        auditor = db.session.scalar(sa.select(User).where(User.username == "auditor"))
        organ = db.session.scalar(sa.select(Organisation).where(Organisation.code == "yc-yl-czj"))
        assert not permissions.can_read_organ(auditor, organ)
        assert db.session.scalars(permissions.visible_cases(auditor)).first() is None
        case = db.session.scalars(sa.select(Case).where(Case.state != "draft")).first()
        if case is not None:
            assert not permissions.can_view(auditor, case)


def test_demo_logins_lists_the_three_administrators(demo):
    output = demo.test_cli_runner().invoke(args=["demo-logins"]).output
    lines = {line.split()[0]: line for line in output.splitlines() if line.strip()}
    assert (
        "系统管理员" in lines["admin"] and "安全管理员" in lines["secadmin"] and "审计员" in lines["auditor"]
    )
    with demo.app_context():
        for user in db.session.scalars(sa.select(User)):
            check_separation(user.roles)
            assert "notice_editor" not in user.roles


def test_the_migration_drops_notice_editor_and_splits_an_administrator_who_held_business_roles(tmp_path):
    """0016_roles on a database that still holds the old combinations."""
    app = make_test_app(tmp_path, own_database=True)
    with app.app_context():
        upgrade(revision="0013_throttles")
        connection = db.session.connection()
        connection.execute(
            sa.text(
                "INSERT INTO organisations (id, name, code, kind, active, has_system_guidance, acts_as_county, "
                "authority_status, contact_phone, address, created_at, bureau_tier) "
                "VALUES (1, '省局', 'hb', 'bureau', true, false, false, 'active', '', '', '2027-01-01 00:00:00', 'province')"
            )
        )
        for user_id, name in [(1, "staff"), (2, "admin"), (3, "boss")]:
            connection.execute(
                sa.text(
                    "INSERT INTO users (id, username, display_name, password_hash, organisation_id, active, "
                    "created_at) VALUES (:id, :name, :name, 'x', 1, true, '2027-01-01 00:00:00')"
                ),
                {"id": user_id, "name": name},
            )
        rows = [(1, "bureau_staff"), (1, "notice_editor"), (2, "sys_admin"), (2, "security_admin"),
                (3, "auditor"), (3, "bureau_head")]  # fmt: skip
        for user_id, role in rows:
            connection.execute(
                sa.text("INSERT INTO user_roles (user_id, role) VALUES (:u, :r)"), {"u": user_id, "r": role}
            )
        db.session.commit()
        upgrade(revision="0016_roles")
        held = db.session.execute(sa.select(UserRole.user_id, UserRole.role).order_by(UserRole.user_id)).all()
    assert sorted(held) == [(1, "bureau_staff"), (2, "sys_admin"), (3, "bureau_head")]
