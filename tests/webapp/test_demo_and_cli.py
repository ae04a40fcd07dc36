import pytest
import sqlalchemy as sa

from webapp.core.extensions import db
from webapp.core.models import Organisation, User
from webapp.demo import load_demo
from webapp.grading.models import Grade, SecurityIncident


def _snapshot():
    """Every row of every table, as plain tuples."""
    out = {}
    for name, table in db.metadata.tables.items():
        out[name] = sorted(tuple(map(str, row)) for row in db.session.execute(sa.select(table)).all())
    return out


def test_running_demo_twice_changes_nothing(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        first = _snapshot()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0 and "organisations 0，users 0" in result.output
    with app.app_context():
        assert _snapshot() == first
        assert first["users"] and first["organisations"]


def test_demo_has_the_named_accounts_and_organs(demo):
    with demo.app_context():

        def user(name):
            return db.session.scalar(sa.select(User).where(User.username == name))

        assert user("prov-staff").organisation.name == "湖北省档案局"
        assert user("city-head").organisation.name == "宜昌市档案局"
        assert user("county-staff").organisation.name == "夷陵区档案局"
        assert (user("unit-prov").organisation.name, user("unit-prov").organisation.tier) == (
            "湖北省财政厅",
            "provincial_direct",
        )
        assert user("unit-city").organisation.tier == "city_direct"
        assert (user("unit-county").organisation.name, user("unit-county").organisation.tier) == (
            "夷陵区财政局",
            "county_direct",
        )
        assert (user("unit-town").organisation.name, user("unit-town").organisation.tier) == (
            "夷陵区小溪塔街道办事处",
            "township",
        )
        assert user("admin").has_role("sys_admin")
        reviewers = [user(f"reviewer-{n}") for n in range(1, 10)]
        assert all(r.has_role("reviewer") for r in reviewers)
        assert len({r.organisation_id for r in reviewers}) >= 4
        assert all(u.check_password("kaoping-demo") for u in [user("admin"), user("unit-town")])
        ungraded = {o.code for o in db.session.scalars(sa.select(Organisation))} - {
            g.organ.code for g in db.session.scalars(sa.select(Grade))
        }
        assert {"yc-yl-czj", "yc-yl-xxt"} <= ungraded
        level2 = db.session.scalar(sa.select(Grade).where(Grade.organ.has(code="yc-czj")))
        assert (level2.level, level2.valid_from.isoformat()) == ("second", "2025-03-10")
        assert any(
            g.level == "first" and g.valid_to.year == 2027 for g in db.session.scalars(sa.select(Grade))
        )
        assert db.session.scalar(sa.select(sa.func.count(SecurityIncident.id))) >= 1


def test_demo_logins_prints_accounts_and_password(demo, runner):
    result = runner.invoke(args=["demo-logins"])
    assert result.exit_code == 0
    assert (
        "unit-county" in result.output and "夷陵区财政局" in result.output and "单位申报员" in result.output
    )
    assert "kaoping-demo" in result.output


def test_create_user_command(demo, runner):
    result = runner.invoke(
        args=[
            "create-user",
            "yc-auditor",
            "--org",
            "yc",
            "--role",
            "auditor",
            "--name",
            "审计甲",
            "--password",
            "long-enough-1",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "已创建用户 yc-auditor" in result.output
    with demo.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "yc-auditor"))
        assert (
            user.organisation.code == "yc"
            and user.roles == {"auditor"}
            and user.check_password("long-enough-1")
        )


def test_create_user_command_reports_errors_in_chinese(demo, runner):
    result = runner.invoke(
        args=["create-user", "x-1", "--org", "nowhere", "--role", "auditor", "--password", "long-enough-1"]
    )
    assert result.exit_code != 0 and "找不到单位" in result.output
    result = runner.invoke(
        args=["create-user", "unit-city", "--org", "yc", "--role", "auditor", "--password", "long-enough-1"]
    )
    assert result.exit_code != 0 and "已被使用" in result.output


def test_load_demo_is_one_transaction(app, monkeypatch):
    import webapp.demo as demo_module

    def boom():
        raise RuntimeError("fail half way")

    monkeypatch.setattr(demo_module, "LOADERS", [*demo_module.LOADERS[:2], ("boom", boom)])
    with app.app_context():
        with pytest.raises(RuntimeError):
            load_demo()
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
