"""The organisation tree's closure table (issue 12) stays equal to what ``parent_id`` says: through factories,
the demo, the admin's create and re-parent pages, a refused edit, the migration's backfill and the bulk rebuild —
and visibility follows a re-parented bureau at once."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from tests.factories import make_bureau, make_case, make_organ, make_test_app, make_user
from webapp.core.extensions import db
from webapp.core.models import BureauTier, Organisation, OrganisationTree, Role
from webapp.core.services import organisations
from webapp.core.services.organisations import rebuild_organisation_tree, subtree_ids
from webapp.grading.services import permissions


@pytest.fixture
def ctx_plain(app):  # noqa: ANN001, ANN201 - the empty app
    with app.app_context():
        yield


def expected_rows() -> set[tuple[int, int, int]]:
    """(ancestor, descendant, depth) for every organisation, walked from ``parent_id``."""
    parents = dict(db.session.execute(sa.select(Organisation.id, Organisation.parent_id)).all())
    rows = set()
    for org_id in parents:
        node, depth = org_id, 0
        while node is not None:
            rows.add((node, org_id, depth))
            node, depth = parents[node], depth + 1
    return rows


def stored_rows() -> set[tuple[int, int, int]]:
    tree = OrganisationTree
    return set(db.session.execute(sa.select(tree.ancestor_id, tree.descendant_id, tree.depth)).all())


def org(code: str) -> Organisation:
    return db.session.scalar(sa.select(Organisation).where(Organisation.code == code))


def test_organisations_made_by_the_factories_are_in_the_tree_with_their_depths(ctx_plain):
    province = make_bureau(BureauTier.PROVINCE)
    city = make_bureau(BureauTier.CITY, province)
    county = make_bureau(BureauTier.COUNTY, city)
    organ = make_organ(county)
    assert (province.id, organ.id, 3) in stored_rows()
    assert stored_rows() == expected_rows()
    below = set(db.session.scalars(subtree_ids(city.id)))
    assert below == {city.id, county.id, organ.id}


def test_a_parent_and_children_added_in_one_flush_are_all_linked(ctx_plain):
    province = Organisation(name="省", code="p", kind="bureau", bureau_tier="province")
    city = Organisation(name="市", code="c", kind="bureau", bureau_tier="city", parent=province)
    county = Organisation(name="县", code="k", kind="bureau", bureau_tier="county", parent=city)
    db.session.add_all([county, city, province])  # added child first: the unit of work orders the inserts
    db.session.flush()
    assert stored_rows() == expected_rows()
    assert (province.id, county.id, 2) in stored_rows()


def test_the_demo_tree_matches_parent_ids_and_the_bulk_rebuild(demo):
    with demo.app_context():
        maintained = stored_rows()
        assert maintained == expected_rows()
        assert rebuild_organisation_tree() == len(maintained)
        assert stored_rows() == maintained


def _edit(client, bureau: Organisation, parent_id: int) -> None:  # noqa: ANN001 - test client
    client.post(
        f"/admin/organisations/{bureau.id}/edit",
        data={
            "name": bureau.name,
            "code": bureau.code,
            "kind": "bureau",
            "bureau_tier": bureau.bureau_tier,
            "parent_id": parent_id,
            "authority_status": "active",
            "active": "y",
        },
    )


def test_a_county_bureau_re_parented_on_the_admin_page_moves_with_its_organs_and_visibility_follows(
    demo, client, auth
):
    """ARC-9.6: an upper bureau reads what bureaus below it organise — the new city at once, the old no more."""
    with demo.app_context():
        county, old_city, new_city = org("yc-yl"), org("yc"), org("wh")
        organ = org("yc-yl-czj")
        case = make_case(organ, state="in_notice", organizer=county, approver=county)
        db.session.commit()
        case_id, ids = case.id, (county.id, old_city.id, new_city.id, organ.id)
        before = permissions.visible_cases(_user("city-staff")).where(permissions.Case.id == case_id)
        assert db.session.scalar(before) is not None
    auth.login("admin")
    with demo.app_context():
        _edit(client, db.session.get(Organisation, ids[0]), ids[2])
    with demo.app_context():
        county_id, old_city_id, new_city_id, organ_id = ids
        assert db.session.get(Organisation, county_id).parent_id == new_city_id
        assert stored_rows() == expected_rows()
        assert (new_city_id, organ_id, 2) in stored_rows() and (old_city_id, organ_id, 2) not in stored_rows()
        case = db.session.get(permissions.Case, case_id)
        old_staff = _user("city-staff")
        new_staff = make_user(db.session.get(Organisation, new_city_id), Role.BUREAU_STAFF)
        assert not permissions.can_view(old_staff, case)
        assert permissions.can_view(new_staff, case)
        old_list = permissions.visible_cases(old_staff).where(permissions.Case.id == case_id)
        new_list = permissions.visible_cases(new_staff).where(permissions.Case.id == case_id)
        assert db.session.scalar(old_list) is None and db.session.scalar(new_list) is not None
        assert permissions.can_spot_check(new_staff, case) and not permissions.can_spot_check(old_staff, case)


def test_an_organisation_created_on_the_admin_page_joins_the_tree_and_a_refused_edit_changes_nothing(
    demo, client, auth
):
    auth.login("admin")
    with demo.app_context():
        county_id, organ_id = org("yc-yl").id, org("yc-yl-czj").id
    client.post(
        "/admin/organisations/new",
        data={
            "name": "夷陵区审计局",
            "code": "yc-yl-sjj",
            "kind": "organ",
            "tier": "county_direct",
            "parent_id": county_id,
            "authority_status": "active",
            "active": "y",
        },
    )
    with demo.app_context():
        new_id = org("yc-yl-sjj").id
        assert (org("hb").id, new_id, 3) in stored_rows()
        before = stored_rows()
        assert before == expected_rows()
        # a bureau under one of its own organs: refused by the admin (no cycle), the tree untouched
        _edit(client, org("yc-yl"), organ_id)
        assert org("yc-yl").parent_id != organ_id
        assert stored_rows() == before


def _user(username: str):  # noqa: ANN202 - a demo User
    from webapp.core.models import User

    return db.session.scalar(sa.select(User).where(User.username == username))


def test_the_migration_fills_the_tree_from_parent_ids(tmp_path):
    app = make_test_app(tmp_path, own_database=True)  # migrations start from an empty database
    with app.app_context():
        upgrade(revision="0009_sheet_subjects")
        with db.engine.begin() as conn:
            orgs = sa.table(
                "organisations",
                *(sa.column(c) for c in ("id", "name", "code", "kind", "bureau_tier", "tier", "parent_id")),
                sa.column("has_system_guidance"),
                sa.column("acts_as_county"),
                sa.column("active"),
                sa.column("created_at"),
            )
            flags = {"has_system_guidance": False, "acts_as_county": False, "active": True}
            flags["created_at"] = "2026-01-01 00:00:00"
            conn.execute(
                orgs.insert(),
                [
                    {"id": 1, "name": "省", "code": "p", "kind": "bureau", "bureau_tier": "province"}
                    | {"tier": None, "parent_id": None}
                    | flags,
                    {"id": 2, "name": "市", "code": "c", "kind": "bureau", "bureau_tier": "city"}
                    | {"tier": None, "parent_id": 1}
                    | flags,
                    {"id": 3, "name": "机关", "code": "o", "kind": "organ", "bureau_tier": None}
                    | {"tier": "city_direct", "parent_id": 2}
                    | flags,
                ],
            )
        upgrade()
        assert stored_rows() == {(1, 1, 0), (2, 2, 0), (3, 3, 0), (1, 2, 1), (2, 3, 1), (1, 3, 2)}
        db.session.remove()
        db.engine.dispose()


def test_visibility_sends_the_database_no_list_of_bureau_ids_however_many_there_are(demo):
    """Issue 12: the bureau side of visibility is a subquery on the closure table, so the statement has the
    same parameters with 3 county bureaus or 33 (it used to carry every lower bureau's id, six times)."""
    with demo.app_context():

        def parameters() -> int:
            stmt = permissions.visible_cases(_user("prov-staff"))
            return len(stmt.compile(dialect=db.engine.dialect).params)

        before = parameters()
        city = org("yc")
        for _ in range(30):
            make_bureau(BureauTier.COUNTY, city)
        assert parameters() == before
        assert "organisation_tree" in str(permissions.visible_cases(_user("city-staff")))


def test_a_statement_reads_the_bureaus_below_once_however_many_columns_ask(demo):
    """Issue 12: a case is visible to a bureau when any of six function columns or a filing names a bureau at or
    below it (ARC-9.6); the statement computes that set once (a CTE named for the bureau) and every column reads
    it, where seven subqueries were each planned and run. A list count and its rows, the worklist's three tab
    counts (visibility and supervision: two sets of one bureau) and the lower bureaus all compile and run."""
    from webapp.grading.services import worklist
    from webapp.grading.services.case_search import CaseFilters

    with demo.app_context():
        city, staff = org("yc"), _user("city-staff")
        county, elsewhere = org("yc-yl"), org("wh")
        ours = make_case(org("yc-yl-czj"), state="in_notice", organizer=county, approver=county)
        filed = make_case(org("yc-yl-czj"), state="approved", approver=county, plan_year=2026)
        theirs = make_case(make_organ(elsewhere), state="in_notice", organizer=elsewhere, approver=elsewhere)
        db.session.commit()
        stmt = permissions.visible_cases(staff)
        sql = str(stmt.compile(dialect=db.engine.dialect))
        assert sql.count("FROM organisation_tree") == 1 and sql.count(f"bureaus_under_{city.id} AS") == 1
        visible = set(db.session.scalars(stmt.with_only_columns(permissions.Case.id)))
        assert {ours.id, filed.id} <= visible and theirs.id not in visible
        assert visible == {
            case.id
            for case in db.session.scalars(sa.select(permissions.Case))
            if permissions.can_view(staff, case)
        }
        listed = worklist.worklist(staff, filters=CaseFilters(), tab="supervised")
        supervised = {case.id for case in listed.supervised}
        assert {ours.id, filed.id} <= supervised <= visible and listed.totals["supervised"] == len(supervised)
        assert permissions.lower_bureau_ids(city) == {o.id for o in city.children if o.is_bureau}


def test_threads_that_ask_for_a_bureaus_subtree_at_once_all_get_the_one_statement(monkeypatch):
    """Two statements with one CTE name cannot be compiled together ("Multiple, unrelated CTEs found with the same
    name": a worklist answered 500 once under gunicorn's threaded workers, where two threads missed the cache at
    once and each built one). Building is slowed down so that every thread misses together."""
    built = organisations._subtree_bureaus

    def slowly(*args):  # noqa: ANN002, ANN202
        time.sleep(0.02)
        return built(*args)

    monkeypatch.setattr(organisations, "_subtree_bureaus", slowly)
    org_id = 987_654_321  # no process has built it yet
    start = threading.Barrier(8)
    got: list[object] = []

    def ask() -> None:
        start.wait()
        got.append(organisations.subtree_bureau_ids(org_id, strictly_below=True))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        organisations._SUBTREE_BUREAUS.pop((org_id, True), None)
    assert len(got) == 8 and all(statement is got[0] for statement in got)
