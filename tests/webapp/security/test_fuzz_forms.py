"""Hypothesis through HTTP (issue 13, proof): every WTForms form class of the app and every API body model gets
generated input — control characters, CJK, text far past any limit, numbers out of range, wrong JSON types,
missing fields — and the app never answers 500, and a refused request (an HTML form answered without the
redirect that follows a save, an API call answered 4xx) changes no row of any table.

Nothing here is a hand-made list that can go stale: the forms are every subclass of ``wtforms.Form`` defined in
``webapp`` (each posted to the routes whose view module uses it), the bodies every ``api_operation`` with a
``body`` model in the URL map. Each route is called as the first demo user it does not turn away at the door,
so the generated input reaches validation and the services. Examples are few per target (`EXAMPLES`): the
breadth is the point, and the file stays well under a minute."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms import Form
from wtforms.fields.core import UnboundField

import webapp
from tests.factories import make_test_app
from tests.webapp.sheets import world as w
from webapp.core.api.spec import OPERATION_ATTR
from webapp.core.extensions import db
from webapp.demo import DEMO_PASSWORD, load_demo

EXAMPLES = 3
#: who tries each route, in this order (the first one not turned away at the door is used)
CANDIDATES = ("admin", "secadmin", "county-staff", "unit-county", "reviewer-7", "yl-officer", "yl-signer",
              "zg-editor", "zg-head", "tj-staff", "tj-head", "tj-team1", "prov-head")  # fmt: skip
WORDS = {"event": "submit", "action": "precheck", "decision": "accept", "direction": "up", "fmt": "pdf",
         "kind": "records", "name": "units", "subject_type": "campaign_unit", "reference": "YC-0000",
         "period": "2026"}  # fmt: skip
#: routes whose POST ends the session (the fuzzing needs it)
SKIP = {"auth.logout"}

HOSTILE_TEXT = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40),
    st.text(alphabet="\t\r\n\x0b\x0c\x1b\u200b\u202e\ufeff", max_size=10),
    st.sampled_from(
        [
            "档案工作" * 3000,
            "x" * 70_000,
            "-1",
            "0",
            "99999999999999999999",
            "1e309",
            "NaN",
            "2027-02-30",
            "9999-12-31",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "%00",
            "../../etc/passwd",
        ]
    ),  # fmt: skip
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
JSON_VALUE = st.one_of(
    HOSTILE_TEXT,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.lists(st.integers(min_value=-5, max_value=2**40), max_size=3),
    st.dictionaries(st.sampled_from(["id", "value", "a"]), HOSTILE_TEXT, max_size=2),
)


def _app_classes(base: type) -> list[type]:
    """Every subclass of ``base`` defined in the ``webapp`` package (its modules imported first)."""
    for module in pkgutil.walk_packages(webapp.__path__, "webapp."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    found, todo = [], list(base.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("webapp.") and cls not in found:
            found.append(cls)
    return sorted(found, key=lambda cls: (cls.__module__, cls.__name__))


def _form_fields(form: type) -> list[str]:
    return sorted(name for name in dir(form) if isinstance(getattr(form, name, None), UnboundField))


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[tuple[Flask, dict[str, int]]]:
    app = make_test_app(
        tmp_path_factory.mktemp("fuzz"), own_database=True, DEMO_ARTICLES=True, DEMO_CAMPAIGNS=True
    )
    with app.app_context():
        db.create_all()
        load_demo()
        ids = {"case_id": w.planned_case(), "user_id": w.user("city-staff").id}
    yield app, ids
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _url(app: Flask, rule, ids: dict[str, int]) -> str:  # noqa: ANN001
    values = {arg: ids.get(arg, WORDS.get(arg, 1)) for arg in rule.arguments}
    with app.test_request_context():
        return app.url_for(rule.endpoint, **values)


def _row_counts() -> dict[str, int]:
    """Rows of every table, in one statement. The audit rows that record a refusal (``permission_denied``,
    written for every 403 by webapp.core.denials) are what a refusal is meant to leave: not counted."""
    tables = sorted(db.metadata.tables.items())

    def rows(name: str, table: sa.Table) -> sa.ScalarSelect[int]:
        count = sa.select(sa.func.count()).select_from(table)
        if name == "audit_events":
            count = count.where(table.c.event != "permission_denied")
        return count.scalar_subquery()

    counts = sa.select(*(rows(name, table).label(name) for name, table in tables))
    return dict(db.session.execute(counts).mappings().one())


class Callers:
    """A signed-in client and a bearer token per candidate, made once."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.clients = {}
        self.admitted: dict[tuple[str, str], object] = {}
        for username in CANDIDATES:
            client = app.test_client()
            assert (
                client.post("/auth/login", data={"username": username, "password": DEMO_PASSWORD}).status_code
                == 302
            )
            token = client.post("/api/v1/tokens", json={"username": username, "password": DEMO_PASSWORD})
            self.clients[username] = (client, {"Authorization": "Bearer " + token.get_json()["token"]})

    def first_admitted(self, method: str, url: str, api: bool):  # noqa: ANN201
        if (method, url) not in self.admitted:
            self.admitted[method, url] = self._first_admitted(method, url, api)
        return self.admitted[method, url]

    def _first_admitted(self, method: str, url: str, api: bool):  # noqa: ANN202
        for username in CANDIDATES:
            client, headers = self.clients[username]
            if api:
                answer = client.open(url, method=method, json={}, headers=headers)
            else:
                answer = client.open(url, method=method, data={})
            if answer.status_code not in (401, 403, 404) and "/auth/login" not in answer.headers.get(
                "Location", ""
            ):
                return username, client, headers
        return None


@pytest.fixture(scope="module")
def callers(world) -> Callers:
    return Callers(world[0])


def _targets_of_forms(app: Flask) -> list[tuple[str, str, type]]:
    """(endpoint, method, form class): each form with the first POST route whose view's module names it."""
    sources = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint):
        if rule.endpoint in SKIP or rule.endpoint.startswith("api.") or "POST" not in (rule.methods or ()):
            continue
        view = inspect.unwrap(app.view_functions[rule.endpoint])
        sources.append((rule.endpoint, inspect.getsource(inspect.getmodule(view))))
    targets = []
    for form in _app_classes(Form):
        endpoint = next((e for e, source in sources if re.search(rf"\b{form.__name__}\b", source)), None)
        if endpoint is not None:
            targets.append((endpoint, "POST", form))
    return targets


def _targets_of_bodies(app: Flask) -> list[tuple[str, str, type]]:
    targets = []
    for rule in app.url_map.iter_rules():
        operation = getattr(app.view_functions[rule.endpoint], OPERATION_ATTR, None)
        body = getattr(operation, "body", None)
        if body is not None:
            for method in sorted((rule.methods or set()) - {"GET", "HEAD", "OPTIONS"}):
                targets.append((rule.endpoint, method, body))
    return targets


def _check(app: Flask, client, method: str, url: str, headers: dict, payload: dict, api: bool) -> None:  # noqa: ANN001
    with app.app_context():
        before = _row_counts()
    if api:
        response = client.open(url, method=method, json=payload, headers=headers)
    else:
        response = client.open(url, method=method, data=payload)
    assert response.status_code < 500, f"{method} {url} → {response.status_code} with {payload!r:.300}"
    refused = response.status_code >= 400 if api else response.status_code not in (301, 302, 303)
    if refused:
        with app.app_context():
            after = _row_counts()
        changed = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
        assert not changed, f"{method} {url} refused ({response.status_code}) yet wrote {changed}"


def _fuzz(
    app: Flask, client, method: str, url: str, headers: dict, names: list[str], values, api: bool
) -> None:  # noqa: ANN001
    """`EXAMPLES` generated payloads — any subset of the fields (missing ones included), hostile values."""
    payloads = st.dictionaries(st.sampled_from(names), values, max_size=len(names)) if names else st.just({})

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(payloads)
    def fuzz(payload: dict) -> None:
        _check(app, client, method, url, headers, payload, api=api)

    fuzz()


def test_every_form_and_body_model_is_found(world):
    """The walk finds them: a form or body model added later is fuzzed without editing this file."""
    app, _ = world
    forms = {form.__name__ for _, _, form in _targets_of_forms(app)}
    bodies = {body.__name__ for _, _, body in _targets_of_bodies(app)}
    assert {"UserForm", "RolesForm", "OrganisationForm"} <= forms and len(forms) >= 30
    assert {"EventRequest", "ArticleEventRequest", "SheetEntries"} <= bodies and len(bodies) >= 30


def test_generated_form_input_never_fails_the_app_or_half_writes(world, callers):
    app, ids = world
    unreached = []
    targets = _targets_of_forms(app)
    for endpoint, method, form in targets:
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        url = _url(app, rule, ids)
        admitted = callers.first_admitted(method, url, api=False)
        if admitted is None:
            unreached.append(endpoint)
            continue
        _, client, _ = admitted
        fields = _form_fields(form)
        # field names as the form posts them (event forms are prefixed with their event)
        prefix = f"{rule.arguments and WORDS.get('event')}-" if "<event>" in rule.rule else ""
        names = fields + [prefix + name for name in fields] if prefix else fields
        _fuzz(app, client, method, url, {}, names, HOSTILE_TEXT, api=False)
    # a few routes turn every candidate away with this world's ids (e.g. an article past editing): still most
    assert len(targets) - len(unreached) >= 30, unreached


def test_generated_api_bodies_never_fail_the_app_or_half_write(world, callers):
    app, ids = world
    for endpoint, method, body in _targets_of_bodies(app):
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        url = _url(app, rule, ids)
        admitted = callers.first_admitted(method, url, api=True)
        _, client, headers = admitted or (None, *callers.clients["county-staff"])
        names = sorted(body.model_fields)
        _fuzz(app, client, method, url, headers, names, JSON_VALUE, api=True)
