"""Deny by default: every endpoint is either on the public allow-list or turns anonymous users away."""

import pytest
from werkzeug.routing import FloatConverter, IntegerConverter, Rule

from webapp.core.auth.permissions import PERMISSION_ATTR

#: endpoints anyone may open. Add public notice pages here when they arrive, and nothing else without review.
PUBLIC_ENDPOINTS = {
    "static",
    "bootstrap.static",
    "healthz",
    "favicon",
    "auth.login",
    "api.create_token",
    "public.notices",
    "public.objection",
    "public.notice",
    "public.notice_print",
    "public.objection_receipt",
    "public.objection_lookup",
    "api.list_notices",
    "api.submit_objection",
    "api.objection_status",
    "api.openapi_json",
}


def _url(rule: Rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        values[name] = 1 if isinstance(converter, IntegerConverter | FloatConverter) else "x"
    return rule.build(values)[1]


def _methods(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def test_every_non_public_endpoint_refuses_anonymous_users(app):
    client = app.test_client()
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in _methods(rule):
            response = client.open(_url(rule), method=method)
            if rule.rule.startswith("/api/"):
                assert response.status_code == 401, (rule.endpoint, method, response.status_code)
            else:
                assert response.status_code == 302, (rule.endpoint, method, response.status_code)
                assert response.headers["Location"].startswith("/auth/login"), rule.endpoint
            checked += 1
    assert checked >= 10


def test_every_view_declares_its_permission(app):
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint not in {"static", "bootstrap.static"} and not getattr(view, PERMISSION_ATTR, None)
    ]
    assert undeclared == []


def test_public_allow_list_matches_the_views_marked_public(app):
    marked = {e for e, v in app.view_functions.items() if getattr(v, PERMISSION_ATTR, None) == "public"}
    assert marked <= PUBLIC_ENDPOINTS


ADMIN_PAGES = [
    ("GET", "/admin/"),
    ("GET", "/admin/organisations"),
    ("GET", "/admin/organisations/new"),
    ("POST", "/admin/organisations/new"),
    ("GET", "/admin/organisations/1/edit"),
    ("GET", "/admin/users"),
    ("GET", "/admin/users/new"),
    ("GET", "/admin/users/1/edit"),
    ("GET", "/admin/users/1/password"),
    ("POST", "/admin/users/1/active"),
    ("GET", "/admin/clock"),
]


@pytest.mark.parametrize("username", ["unit-county", "county-head", "prov-staff", "reviewer-1", "auditor"])
@pytest.mark.parametrize(("method", "url"), ADMIN_PAGES)
def test_non_admins_get_403_on_admin_pages(demo, client, auth, username, method, url):
    auth.login(username)
    response = client.open(url, method=method)
    assert response.status_code == 403
    assert "无权访问" in response.get_data(as_text=True)


@pytest.mark.parametrize(("method", "url"), [p for p in ADMIN_PAGES if p[0] == "GET"])
def test_admin_can_open_admin_pages(demo, client, auth, method, url):
    auth.login("admin")
    assert client.open(url, method=method).status_code in (200, 302)


def test_unknown_page_is_a_chinese_404(demo, client, auth):
    auth.login("admin")
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)


def test_unexpected_errors_are_a_chinese_500_page_or_json(tmp_path):
    from tests.factories import make_test_app
    from webapp.core.auth.permissions import public

    app = make_test_app(tmp_path, PROPAGATE_EXCEPTIONS=False)

    @public
    def boom():
        raise RuntimeError("boom")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/v1/boom", "api_boom", boom)
    client = app.test_client()
    page = client.get("/boom")
    assert page.status_code == 500 and "系统出错" in page.get_data(as_text=True)
    api = client.get("/api/v1/boom")
    assert api.status_code == 500 and api.get_json()["error"] == "internal_error"


def test_state_badge_macro_shows_chinese_labels(app):
    with app.test_request_context():
        from flask import render_template_string

        html = render_template_string(
            '{% from "_macros.html" import state_badge %}{{ state_badge("in_notice") }}'
        )
    assert "公示中" in html and 'data-state="in_notice"' in html
