"""Two people firing conflicting events on one record at the same moment, in real concurrent processes (each
with its own app and connections on one database): exactly one succeeds, the other gets 409 with
已被他人处理，请刷新, and the database holds one outcome (issue 12).

The race is made deterministic by `tests.webapp.racing.racing_hook`: both requests have read the record and
passed every check before either writes. On PostgreSQL one UPDATE then waits on the other's row lock and, once
the winner commits, matches no row (the version moved on): the loser's `StaleDataError` is `Stale`. On SQLite the
writers are serialised by the database lock, and the loser must still get the same 409 — never «database is
locked» as a 500.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.factories import TEST_PASSWORD, TODAY, make_test_app, make_user
from tests.walk import events_of
from tests.webapp.racing import pg_database, race, racer_config
from tests.webapp.services.flow import drive
from webapp.core.extensions import db
from webapp.core.models import AuditEvent, Role
from webapp.demo import load_demo
from webapp.grading.models import Case

STALE = "已被他人处理，请刷新"


def _api_racer(
    tmp: str,
    config: dict[str, Any],
    username: str,
    method: str,
    path: str,
    body: dict[str, Any],
    lock_tables: tuple[str, ...],
    barrier: Any,
    results: Any,
    soft_before: str | None = None,
) -> None:
    """One person's API call, in a process of its own: a token first, then the racing request."""
    from tests.webapp.racing import racing_hook

    app = make_test_app(Path(tmp), **config)
    client = app.test_client()
    token = client.post("/api/v1/tokens", json={"username": username, "password": TEST_PASSWORD})
    assert token.status_code == 200, token.get_data(as_text=True)
    racing_hook(barrier, lock_tables=lock_tables, soft_before=soft_before)
    response = client.open(
        path, method=method, json=body, headers={"Authorization": f"Bearer {token.get_json()['token']}"}
    )
    results.put({"who": username, "status": response.status_code, "json": response.get_json(silent=True)})


def _one_winner(results: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The winner (2xx) and the loser (409 stale with the words people know)."""
    ok = [r for r in results if 200 <= r["status"] < 300]
    lost = [r for r in results if r["status"] == 409]
    assert len(ok) == 1 and len(lost) == 1, results
    assert lost[0]["json"]["error"] == "stale" and STALE in lost[0]["json"]["message"], lost[0]
    return ok[0], lost[0]


# -- a grading case ---------------------------------------------------------------------------------------------


def _prechecking_case(tmp_path: Path, url: str) -> tuple[dict[str, Any], int]:
    """The demo with a case in 预检中 and two staff of its pre-checking bureau (passwords `TEST_PASSWORD`)."""
    config = racer_config(tmp_path, url)
    app = make_test_app(tmp_path, **config)
    with app.app_context():
        db.create_all()
        load_demo()
        case_id = drive("unit-county", to="prechecking")
        bureau = db.session.get(Case, case_id).prechecker
        make_user(bureau, Role.BUREAU_STAFF, username="staff-a")
        make_user(bureau, Role.BUREAU_STAFF, username="staff-b")
        db.session.commit()
        db.engine.dispose()
    return config, case_id


def _race_on_a_case(tmp_path: Path, url: str) -> None:
    config, case_id = _prechecking_case(tmp_path, url)
    path = f"/api/v1/cases/{case_id}/events"
    passing = {"event": "pass_precheck", "opinion": "材料齐全，同意公示。"}
    returning = {"event": "return_for_completion", "opinion": "缺少自查评分表，请补正。"}
    results = race(
        _api_racer,
        [
            (str(tmp_path), config, "staff-a", "POST", path, passing, ()),
            (str(tmp_path), config, "staff-b", "POST", path, returning, ()),
        ],
    )
    winner, _loser = _one_winner(results)
    app = make_test_app(tmp_path, **config)
    with app.app_context():
        case = db.session.get(Case, case_id)
        won = "in_notice" if winner["who"] == "staff-a" else "returned"
        assert case.state == won and winner["json"]["state"] == won
        decided = [e for e in events_of(case_id) if e.from_state == "prechecking"]
        assert [e.to_state for e in decided] == [won]  # one transition in the timeline
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.about("case", case_id))) == len(events_of(case_id))  # fmt: skip
        db.engine.dispose()


@pytest.mark.postgres
def test_two_pre_checkers_deciding_one_case_at_once_on_postgresql_one_wins_the_other_gets_409(
    tmp_path: Path,
) -> None:
    """Two staff of the pre-checking bureau: one passes the pre-check (→ 公示), the other returns the case for
    completion (→ 退回补正), at the same moment, through ``POST /api/v1/cases/<id>/events``."""
    with pg_database() as url:
        _race_on_a_case(tmp_path, url)


def test_two_pre_checkers_deciding_one_case_at_once_on_sqlite_one_wins_the_other_gets_409(
    tmp_path: Path,
) -> None:
    """The same race on SQLite, whose writers queue on the database lock: still 409, not a 500."""
    _race_on_a_case(tmp_path, f"sqlite:///{tmp_path / 'race.sqlite3'}")


# -- an article -------------------------------------------------------------------------------------------------


def _race_on_an_article(tmp_path: Path, url: str) -> None:
    """The office's editor adopts and its head returns the same received article at once, both from the version
    they loaded (``expected_version``, as the triage form and the API client send it)."""
    from tests.webapp.articles.conftest import build_world
    from tests.webapp.articles.unit_helpers import walk as walk_article
    from webapp.articles.models import Adoption, Article

    config = racer_config(tmp_path, url)
    app = make_test_app(tmp_path, **config)
    with app.app_context():
        db.create_all()
        world = build_world()
        article_id = walk_article(world, "received")
        version = db.session.get(Article, article_id).version_id
        publication_id = world.own_publication.id
        db.engine.dispose()
    path = f"/api/v1/articles/{article_id}/events"
    adopting = {
        "event": "adopt",
        "adoption": {"publication_id": publication_id, "class_code": "exp", "form_code": "single"},
        "expected_version": version,
    }
    returning = {"event": "office_return", "reason": "请补充具体数据和典型事例", "expected_version": version}
    results = race(
        _api_racer,
        [
            (str(tmp_path), config, "editor", "POST", path, adopting, ("articles",)),
            (str(tmp_path), config, "head", "POST", path, returning, ("articles",)),
        ],
    )
    winner, _loser = _one_winner(results)
    with app.app_context():
        article = db.session.get(Article, article_id)
        adoptions = db.session.scalar(
            sa.select(sa.func.count()).select_from(Adoption).where(Adoption.article_id == article_id)
        )
        trail = db.session.scalars(
            sa.select(AuditEvent.event)
            .where(AuditEvent.about("article", article_id))
            .order_by(AuditEvent.seq)
        ).all()
        if winner["who"] == "editor":
            assert article.state == "adopted" and adoptions == 1 and trail[-1] == "adopt"
        else:
            assert article.state == "returned" and adoptions == 0 and trail[-1] == "office_return"
        assert trail.count("adopt") + trail.count("office_return") == 1  # one outcome in the trail
        assert article.version_id == version + 1
        db.engine.dispose()


@pytest.mark.postgres
def test_adopting_and_returning_one_article_at_once_on_postgresql_one_wins_the_other_gets_409(
    tmp_path: Path,
) -> None:
    with pg_database() as url:
        _race_on_an_article(tmp_path, url)


def test_adopting_and_returning_one_article_at_once_on_sqlite_one_wins_the_other_gets_409(
    tmp_path: Path,
) -> None:
    _race_on_an_article(tmp_path, f"sqlite:///{tmp_path / 'race.sqlite3'}")


# -- a campaign score sheet -------------------------------------------------------------------------------------


def _race_on_a_sheet(tmp_path: Path, url: str) -> None:
    """Two people of one unit on its 自评表 (STA-4.2) at once: one saves new entries, the other submits the
    stored ones — neither sends the version it loaded, so only the optimistic lock on the row can tell."""
    from tests.factories import make_bureau, make_organ
    from tests.webapp.campaigns.unit_world import make_campaign
    from webapp.campaigns.models import CampaignUnit
    from webapp.scoring.models import ScoreSheet, SheetKind, SubjectRef
    from webapp.scoring.services.scoresheets import operations
    from webapp.scoring.services.scoresheets.operations import JsonInput

    full = {item: {"deduction": "0"} for item in ("LRN-3.1", "LRN-3.2", "LRN-3.3", "LRN-3.4")}
    changed = {**full, "LRN-3.4": {"deduction": "3", "reason": "调研报告偏少"}}
    config = racer_config(tmp_path, url)
    app = make_test_app(tmp_path, **config)
    with app.app_context():
        db.create_all()
        bureau = make_bureau()
        office = make_organ(bureau, name="市统计局办公室")
        unit = make_organ(bureau, name="甲县统计局")
        campaign = make_campaign(office, make_user(office, Role.CAMPAIGN_STAFF, username="c-staff"))
        campaign.scheme_id, campaign.scheme_version = "lrn", "1"
        member = CampaignUnit(campaign_id=campaign.id, organisation_id=unit.id, position=1)
        db.session.add(member)
        first = make_user(unit, Role.CAMPAIGN_UNIT, username="c-unit-a")
        make_user(unit, Role.CAMPAIGN_UNIT, username="c-unit-a2")
        db.session.commit()
        sheet = operations.open_sheet(first, SubjectRef("campaign_unit", member.id), SheetKind.SELF)
        assert sheet is not None
        operations.save_sheet(first, sheet.id, JsonInput(full), submit=False)
        sheet_id, campaign_id, version = sheet.id, campaign.id, sheet.version_id
        db.engine.dispose()
    results = race(
        _api_racer,
        [
            (
                str(tmp_path),
                config,
                "c-unit-a",
                "PUT",
                f"/api/v1/sheets/{sheet_id}",
                {"entries": changed},
                (),
            ),
            (str(tmp_path), config, "c-unit-a2", "POST", f"/api/v1/sheets/{sheet_id}/submit", {}, ()),
        ],
    )
    winner, _loser = _one_winner(results)
    with app.app_context():
        sheet = db.session.get(ScoreSheet, sheet_id)
        submissions = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.about("campaign", campaign_id), AuditEvent.event == "sheet_submitted")
        )
        if winner["who"] == "c-unit-a":
            assert not sheet.submitted and sheet.entries["LRN-3.4"]["deduction"] == "3" and submissions == 0
        else:
            assert sheet.submitted and sheet.entries["LRN-3.4"]["deduction"] == "0" and submissions == 1
        assert sheet.version_id == version + 1
        db.engine.dispose()


@pytest.mark.postgres
def test_saving_and_submitting_one_score_sheet_at_once_on_postgresql_one_wins_the_other_gets_409(
    tmp_path: Path,
) -> None:
    with pg_database() as url:
        _race_on_a_sheet(tmp_path, url)


def test_saving_and_submitting_one_score_sheet_at_once_on_sqlite_one_wins_the_other_gets_409(
    tmp_path: Path,
) -> None:
    _race_on_a_sheet(tmp_path, f"sqlite:///{tmp_path / 'race.sqlite3'}")


# -- the web form ------------------------------------------------------------------------------------------------


def _page_racer(
    tmp: str,
    config: dict[str, Any],
    username: str,
    path: str,
    data: dict[str, Any],
    barrier: Any,
    results: Any,
) -> None:
    """One person's form POST on the case page, in a process of its own (logged in first)."""
    from tests.webapp.racing import racing_hook

    app = make_test_app(Path(tmp), **config)
    client = app.test_client()
    login = client.post("/auth/login", data={"username": username, "password": TEST_PASSWORD})
    assert login.status_code == 302, login.status_code
    racing_hook(barrier)
    response = client.post(path, data=data)
    results.put({"who": username, "status": response.status_code, "page": response.get_data(as_text=True)})


def test_two_pre_checkers_posting_the_case_page_at_once_one_is_told_in_chinese_not_a_500(
    tmp_path: Path,
) -> None:
    """The web form of the same race: both send the version their page showed; the loser's page answers 409 with
    已被他人处理，请刷新 (the page shown is the case as the winner left it), the winner is redirected."""
    config, case_id = _prechecking_case(tmp_path, f"sqlite:///{tmp_path / 'race.sqlite3'}")
    app = make_test_app(tmp_path, **config)
    with app.app_context():
        version = db.session.get(Case, case_id).version_id
        db.engine.dispose()
    passing = {
        "pass_precheck-version": version,
        "pass_precheck-notice_start": TODAY.isoformat(),
        "pass_precheck-opinion": "材料齐全，同意公示。",
    }
    returning = {
        "return_for_completion-version": version,
        "return_for_completion-opinion": "缺少自查评分表，请补正。",
    }
    results = race(
        _page_racer,
        [
            (str(tmp_path), config, "staff-a", f"/cases/{case_id}/events/pass_precheck", passing),
            (str(tmp_path), config, "staff-b", f"/cases/{case_id}/events/return_for_completion", returning),
        ],
    )
    statuses = sorted(result["status"] or 0 for result in results)
    assert statuses == [302, 409], [(r.get("who"), r["status"], r.get("error")) for r in results]
    [lost] = [result for result in results if result["status"] == 409]
    assert STALE in lost["page"]
    with app.app_context():
        decided = [e for e in events_of(case_id) if e.from_state == "prechecking"]
        assert len(decided) == 1
        db.engine.dispose()


# -- opening a case: a check, then an insert no version guards ---------------------------------------------------


def _open_racer(tmp: str, config: dict[str, Any], username: str, barrier: Any, results: Any) -> None:
    body = {
        "level": "second",
        "kind": "evaluation",
        "preconditions": {f"ARC-5.{n}": True for n in range(1, 7)},
    }
    _api_racer(
        tmp, config, username, "POST", "/api/v1/cases", body, (), barrier, results, "INSERT INTO cases"
    )


def _race_to_open(tmp_path: Path, url: str) -> None:
    """Two applicants of one organ apply at the same moment (or one double-clicks): one case is opened, the other
    is told that the organ has a case running (409, 本机关已有办理中的案件) — never two running cases."""
    from tests.walk import org
    from webapp.core.models import User

    config = racer_config(tmp_path, url)
    app = make_test_app(tmp_path, **config)
    with app.app_context():
        db.create_all()
        load_demo()
        organ = db.session.scalars(sa.select(User).where(User.username == "unit-county")).one().organisation
        make_user(organ, Role.UNIT_APPLICANT, username="applicant-a")
        make_user(organ, Role.UNIT_APPLICANT, username="applicant-b")
        db.session.commit()
        organ_id = organ.id
        assert org(organ.code).id == organ_id
        db.engine.dispose()
    results = race(
        _open_racer, [(str(tmp_path), config, "applicant-a"), (str(tmp_path), config, "applicant-b")]
    )
    statuses = sorted(result["status"] or 0 for result in results)
    assert statuses == [201, 409], [
        (r.get("who"), r["status"], r.get("json") or r.get("error")) for r in results
    ]
    [lost] = [result for result in results if result["status"] == 409]
    assert (
        lost["json"]["error"] == "case_already_open" and "本机关已有办理中的案件" in lost["json"]["message"]
    )
    with app.app_context():
        opened = db.session.scalar(
            sa.select(sa.func.count()).select_from(Case).where(Case.organ_id == organ_id)
        )
        assert opened == 1
        db.engine.dispose()


@pytest.mark.postgres
def test_two_applicants_opening_a_case_for_one_organ_at_once_on_postgresql_open_one(tmp_path: Path) -> None:
    with pg_database() as url:
        _race_to_open(tmp_path, url)


def test_two_applicants_opening_a_case_for_one_organ_at_once_on_sqlite_open_one(tmp_path: Path) -> None:
    _race_to_open(tmp_path, f"sqlite:///{tmp_path / 'race.sqlite3'}")


def test_a_clash_on_an_audit_trails_next_row_is_stale_not_a_500(app) -> None:  # type: ignore[no-untyped-def]
    """Two transactions that append to one subject's trail at once both take the next seq; the unique index
    refuses the second, and the person is told 已被他人处理，请刷新 (409), not shown a server error."""
    from webapp.core.services import unit_of_work
    from webapp.core.services.audit import append_event
    from webapp.core.services.errors import Stale

    with app.app_context():
        with unit_of_work():
            first = append_event("commission", 7, "commission_created", actor=None, comment="甲")
        with pytest.raises(Stale) as stale, unit_of_work():
            clash = append_event(
                "commission", 7, "commission_cancelled", actor=None, comment="乙", actor_name="x"
            )
            assert clash.seq == 2
            # the other transaction's row, as it would arrive: the same next seq
            db.session.add(
                AuditEvent(
                    subject_type="commission", subject_id=7, seq=2, actor_name="y", at=first.at,
                    event="commission_cancelled", prev_hash=first.hash, hash="f" * 64,
                )
            )  # fmt: skip
            db.session.flush()
        assert STALE in stale.value.message and stale.value.status == 409
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 1
