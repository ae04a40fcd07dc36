"""The permission matrix at the service level: every event × every demo role × jurisdiction.

One county-direct 省二级 case per state (夷陵区档案局 holds every bureau function, ARC-9.4); expectations are
written out per role here and compared with `permissions.case_functions`, `can_view` and `can_fire`, where the
actor column of the transition table (workflow/grading/table.py) says which function fires each event.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories import TODAY, make_test_app
from tests.walk import case as get
from tests.walk import new_organ, user
from tests.webapp.services.flow import drive
from webapp.core.extensions import db
from webapp.demo import load_demo
from webapp.grading.models import Case
from webapp.grading.services import cases, objection_filing, permissions
from workflow.grading import TRANSITIONS

STATES = (
    "draft",
    "applied",
    "planned",
    "acceptance_requested",
    "prechecking",
    "returned",
    "in_notice",
    "objection_review",
    "in_review",
    "awaiting_approval",
)
#: role in the matrix → demo username ("applicant" is the case's own organ user)
ROLES = {
    "applicant": None,
    "other-unit": "unit-county",
    "county-staff": "county-staff",
    "county-head": "county-head",
    "city-staff": "city-staff",
    "city-head": "city-head",
    "prov-staff": "prov-staff",
    "prov-head": "prov-head",
    "panel-lead": "reviewer-7",
    "panel-member": "reviewer-8",
    "other-reviewer": "reviewer-9",
    "admin": "admin",
    "auditor": "auditor",
}
COUNTY = frozenset({"lodged_with", "planner", "prechecker", "organizer"})
PANEL_STATES = {"in_notice", "objection_review", "in_review", "awaiting_approval"}


def expected_functions(role: str, state: str) -> frozenset[str]:
    if role == "applicant":
        return frozenset({"applicant"})
    if role == "county-staff":
        return COUNTY
    if role == "county-head":
        return COUNTY | {"approver"}
    if role == "panel-lead" and state in PANEL_STATES:
        return frozenset({"panel"})
    return frozenset()


def expected_view(role: str, state: str) -> bool:
    if role == "applicant":
        return True
    if state == "draft":
        return False  # a draft is the organ's own until it applies
    if role in (
        "county-staff",
        "county-head",
        "city-staff",
        "city-head",
        "prov-staff",
        "prov-head",
    ):
        return True  # the bureau itself, the bureaus above it (ARC-9.6); the auditor reads the audit only
    return role in ("panel-lead", "panel-member") and state in PANEL_STATES


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One app for the module: the demo plus a case in every state (read-only afterwards)."""
    app = make_test_app(tmp_path_factory.mktemp("matrix"), own_database=True)
    with app.app_context():
        db.create_all()
        load_demo()
        ids: dict[str, int] = {}
        for n, state in enumerate(STATES):
            new_organ("yc-yl", username=f"unit-m{n}")
            target = {"returned": "prechecking", "objection_review": "in_notice"}.get(state, state)
            case_id = drive(f"unit-m{n}", to=target)
            if state == "returned":
                cases.fire_event(
                    user("county-staff"), case_id, "return_for_completion", today=TODAY, opinion="补充"
                )
            if state == "objection_review":
                objection_filing.submit_objection(case_id, content="异议", today=TODAY)
            assert get(case_id).state == state
            ids[state] = case_id
    yield app, ids
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _who(role: str, state: str, ids: dict[str, int]):
    if role == "applicant":
        return user(f"unit-m{STATES.index(state)}")
    return user(ROLES[role])


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_case_functions_follow_role_and_jurisdiction(world, role, state):
    app, ids = world
    with app.app_context():
        case = db.session.get(Case, ids[state])
        assert permissions.case_functions(_who(role, state, ids), case) == expected_functions(role, state)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_the_case(world, role, state):
    app, ids = world
    with app.app_context():
        case = db.session.get(Case, ids[state])
        who = _who(role, state, ids)
        assert bool(permissions.can_view(who, case)) is expected_view(role, state)
        listed = db.session.scalars(permissions.visible_cases(who).where(Case.id == case.id)).first()
        assert (listed is not None) is expected_view(role, state)  # the SQL says the same as can_view


ROWS = [
    (row.id, row.event, state, frozenset(row.actors))
    for row in TRANSITIONS
    for state in row.source[:1]
    if state in STATES
]


@pytest.mark.parametrize(("ct", "event", "state", "actors"), ROWS, ids=[f"{r[0]}-{r[1]}" for r in ROWS])
@pytest.mark.parametrize("role", ROLES)
def test_every_event_is_forbidden_to_every_role_without_the_function(world, role, ct, event, state, actors):
    app, ids = world
    with app.app_context():
        case = db.session.get(Case, ids[state])
        decision = permissions.can_fire(_who(role, state, ids), case, event, TODAY)
        may = bool(expected_functions(role, state) & actors)
        if may:
            assert decision.code != "forbidden", decision
        else:
            assert not decision and decision.code == "forbidden"


def test_upper_bureaus_are_told_they_may_read_but_not_act_arc_9_6(world):
    app, ids = world
    with app.app_context():
        decision = permissions.can_fire(
            user("city-staff"), db.session.get(Case, ids["applied"]), "plan", TODAY
        )
        assert (decision.code, decision.rule) == ("forbidden", "ARC-9.6")


def test_a_first_level_case_of_a_county_organ_is_planned_by_the_city_not_the_county_arc_9_2(world):
    app, ids = world
    with app.app_context():
        from datetime import date

        from tests.walk import give_grade

        organ = new_organ("yc-yl", username="unit-first")
        give_grade(organ, "second", date(2025, 1, 2), date(2028, 1, 1), "鄂档等〔2025〕951号")
        case_id = drive("unit-first", level="first", to="applied")
        case = db.session.get(Case, case_id)
        assert permissions.case_functions(user("county-staff"), case) == {"lodged_with"}
        assert permissions.can_fire(user("county-staff"), case, "plan", TODAY).code == "forbidden"
        assert permissions.can_fire(user("city-staff"), case, "plan", TODAY)
        assert permissions.can_view(user("county-staff"), case)


#: the named access questions besides transitions, each asked the same way: (user, case)
QUESTIONS = {
    "upload": permissions.can_upload,
    "set_panel": permissions.can_set_panel,
    "spot_check": permissions.can_spot_check,
    "handle_objection": permissions.can_handle_objection,
    "download_letter": permissions.can_download_letter,
    "download_certificate": permissions.can_download_certificate,
    "declare_interest": permissions.can_declare_interest,
    "view": permissions.can_view,
}


@pytest.mark.parametrize(
    ("question", "state", "role", "allowed"),
    [
        ("upload", "draft", "applicant", True),
        ("upload", "prechecking", "county-staff", True),
        ("upload", "in_notice", "city-staff", False),
        ("set_panel", "in_notice", "county-staff", True),
        ("set_panel", "prechecking", "county-staff", False),
        ("set_panel", "in_notice", "city-staff", False),
        ("spot_check", "in_review", "city-staff", True),
        ("spot_check", "in_review", "prov-head", True),
        ("spot_check", "in_review", "county-staff", False),
        ("spot_check", "in_review", "auditor", False),
        ("handle_objection", "objection_review", "county-staff", True),
        ("handle_objection", "in_notice", "county-staff", False),
        ("handle_objection", "objection_review", "prov-staff", False),
        ("download_letter", "awaiting_approval", "applicant", False),
        ("download_certificate", "awaiting_approval", "applicant", False),
        ("declare_interest", "in_review", "panel-member", True),
        ("declare_interest", "awaiting_approval", "panel-member", False),
        ("declare_interest", "in_review", "county-staff", False),
        ("view", "in_review", "admin", False),
    ],
)
def test_each_named_access_question_answers_by_role_jurisdiction_and_state(
    world, question, state, role, allowed
):
    app, ids = world
    with app.app_context():
        case = db.session.get(Case, ids[state])
        assert bool(QUESTIONS[question](_who(role, state, ids), case)) is allowed


def test_an_upload_of_a_kind_the_function_does_not_upload_is_refused_arc_10_1_4(world):
    app, ids = world
    with app.app_context():
        case = db.session.get(Case, ids["draft"])
        applicant = _who("applicant", "draft", ids)
        assert permissions.can_upload(applicant, case, "application_form")
        refused = permissions.can_upload(applicant, case, "precheck_opinion")
        assert (refused.allowed, refused.rule) == (False, "ARC-10.1.4")


def test_the_case_pages_upload_choices_are_the_kinds_can_upload_allows(world):
    """The case page decides its upload choices in one call (`upload_kinds`, issue 12: the user's standing once,
    not once per kind); for every role in every state it offers exactly what `can_upload` allows (ARC-10.1.4)."""
    app, ids = world
    with app.app_context():
        offered = 0
        for state in ids:
            case = db.session.get(Case, ids[state])
            kinds = list(case.ruleset.attachment_names)
            for role in ROLES:
                who = _who(role, state, ids)
                chosen = permissions.upload_kinds(who, case, kinds)
                assert chosen == [kind for kind in kinds if permissions.can_upload(who, case, kind)], (
                    role,
                    state,
                )
                offered += len(chosen)
        assert offered  # some role may upload something somewhere: the comparison is not of two empty lists


def test_visible_cases_is_one_sql_query(world):
    app, ids = world
    with app.app_context():
        sql = str(
            permissions.visible_cases(user("city-staff")).compile(compile_kwargs={"literal_binds": True})
        )
        assert "FROM cases" in sql and "case_filings" in sql
        assert len(db.session.scalars(permissions.visible_cases(user("city-staff"))).all()) >= len(STATES) - 1
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(permissions.visible_cases(user("admin")).subquery())
            )
            == 0
        )


def test_asking_whether_the_lead_may_conclude_the_review_invents_no_total_arc_10_4_5(world):
    """ARC-10.4.5: before the panel's result is given the lead is told they may conclude (the case keeps no
    total); a result that is really given is checked — a scored level needs the total, not just a conclusion."""
    app, ids = world
    with app.app_context():
        case = db.session.get(Case, ids["in_review"])
        lead = _who("panel-lead", "in_review", ids)
        assert case.total_score is None
        assert permissions.can_conclude_review(lead, case, TODAY)
        assert case.total_score is None and case.conclusion is None
        given = permissions.can_conclude_review(lead, case, TODAY, conclusion="pass")
        assert (given.allowed, given.code, given.rule) == (False, "review_result_missing", "ARC-10.4.5")
        assert permissions.can_conclude_review(lead, case, TODAY, total_score=88)
        member = permissions.can_conclude_review(_who("panel-member", "in_review", ids), case, TODAY)
        assert member.code == "forbidden"
