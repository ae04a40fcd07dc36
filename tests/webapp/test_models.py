from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from tests.factories import make_bureau, make_bureau_chain, make_case, make_organ
from webapp.core.extensions import db
from webapp.core.models import BureauTier, Organisation, OrganTier, parent_problem
from webapp.grading.models import Case


def test_bureau_chain_lists_ancestor_bureaus_nearest_first(app):
    with app.app_context():
        province, city, county = make_bureau_chain()
        township = make_organ(county, OrganTier.TOWNSHIP)
        assert township.bureau_chain() == [county, city, province]
        assert county.bureau_chain() == [city, province]
        assert province.bureau_chain() == []


def test_demo_tree_matches_the_rules(demo):
    with demo.app_context():
        org = db.session.scalar(sa.select(Organisation).where(Organisation.code == "yc-yl-xxt"))
        assert [b.name for b in org.bureau_chain()] == ["夷陵区档案局", "宜昌市档案局", "湖北省档案局"]
        snj_organ = db.session.scalar(sa.select(Organisation).where(Organisation.code == "snj-myz"))
        assert snj_organ.parent.acts_as_county and snj_organ.parent.bureau_tier == BureauTier.CITY


@pytest.mark.parametrize(
    ("tier", "parent_tier", "acts_as_county", "ok"),
    [
        (OrganTier.PROVINCIAL_DIRECT, BureauTier.PROVINCE, False, True),
        (OrganTier.PROVINCIAL_DIRECT, BureauTier.CITY, False, False),
        (OrganTier.CITY_DIRECT, BureauTier.CITY, False, True),
        (OrganTier.COUNTY_DIRECT, BureauTier.COUNTY, False, True),
        (OrganTier.COUNTY_DIRECT, BureauTier.CITY, False, False),
        (OrganTier.COUNTY_DIRECT, BureauTier.CITY, True, True),
        (OrganTier.TOWNSHIP, BureauTier.COUNTY, False, True),
        (OrganTier.TOWNSHIP, BureauTier.CITY, True, True),
        (OrganTier.TOWNSHIP, BureauTier.PROVINCE, False, False),
    ],
)
def test_organs_hang_under_their_own_level_bureau(tier, parent_tier, acts_as_county, ok):
    parent = Organisation(kind="bureau", bureau_tier=parent_tier, acts_as_county=acts_as_county)
    assert (parent_problem("organ", None, tier, parent) is None) is ok


def test_database_refuses_an_organ_without_tier(app):
    with app.app_context():
        db.session.add(Organisation(name="x", code="x", kind="organ", tier=None))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()


def test_timestamps_are_stored_utc_and_read_back_aware(app):
    with app.app_context():
        organ = make_organ(make_bureau())
        case = make_case(
            organ, spot_checked_at=datetime(2027, 1, 5, 9, 0, tzinfo=timezone(timedelta(hours=8)))
        )
        db.session.commit()
        case_id = case.id
        db.session.expire_all()
        stored = db.session.get(Case, case_id).spot_checked_at
        assert stored == datetime(2027, 1, 5, 1, 0, tzinfo=UTC) and stored.tzinfo is not None


def test_naive_timestamps_are_refused(app):
    with app.app_context():
        organ = make_organ(make_bureau())
        with pytest.raises(sa.exc.StatementError, match="naive datetime"):
            make_case(organ, spot_checked_at=datetime(2027, 1, 5, 9, 0))


def test_case_defaults_and_preconditions_json(app):
    with app.app_context():
        case = make_case(make_organ(make_bureau()), preconditions={"ARC-5.1": True, "ARC-5.5": False})
        db.session.commit()
        db.session.expire_all()
        case = db.session.get(Case, case.id)
        assert case.state == "draft" and case.version_id == 1
        assert case.preconditions == {"ARC-5.1": True, "ARC-5.5": False}
        assert case.state_label == "草稿" and case.level_label == "省二级"


def test_two_people_cannot_both_approve(app):
    """version_id_col: the second write on a stale copy fails instead of silently overwriting the first."""
    with app.app_context():
        case_id = make_case(make_organ(make_bureau()), state="awaiting_approval").id
        db.session.commit()
    engine_sessions = []
    with app.app_context():
        first = db.session.get(Case, case_id)
        other = sa.orm.Session(db.engine)
        engine_sessions.append(other)
        second = other.get(Case, case_id)
        first.state = "approved"
        db.session.commit()
        second.state = "rejected"
        with pytest.raises(StaleDataError):
            other.commit()
        other.close()
        db.session.expire_all()
        assert db.session.get(Case, case_id).state == "approved"


def test_a_stored_role_the_system_no_longer_knows_breaks_no_page_and_is_not_shown(demo):
    """Nothing stored can make a page fail: a role removed from the system (``notice_editor``, issue 13) left in
    a database not yet migrated, or written by hand, is ignored on every page that lists roles."""
    from webapp.core.models import User, UserRole

    with demo.app_context():
        staff = db.session.scalar(sa.select(User).where(User.username == "county-staff"))
        before = staff.role_labels
        db.session.add(UserRole(user_id=staff.id, role="notice_editor"))
        db.session.commit()
        db.session.refresh(staff)
        assert staff.role_labels == before and before
    client = demo.test_client()
    client.post("/auth/login", data={"username": "county-staff", "password": "kaoping-demo"})
    page = client.get("/bureau/")
    assert page.status_code == 200 and "notice_editor" not in page.get_data(as_text=True)


def test_acting_hands_services_the_person_not_the_login_proxy(demo):
    """`acting`: services read the person's roles and organisation hundreds of times a page; through Flask-Login's
    proxy each read looks the person up again. The person itself (or whatever else was given) comes back."""
    from flask_login import AnonymousUserMixin, current_user, login_user

    from webapp.core.models import User, acting

    with demo.test_request_context("/"):
        person = db.session.scalar(sa.select(User).where(User.username == "county-staff"))
        assert acting(person) is person
        assert isinstance(acting(current_user), AnonymousUserMixin)
        login_user(person)
        assert acting(current_user) is person and type(acting(current_user)) is User
