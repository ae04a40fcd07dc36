"""Rate limits on public objections (issue 13: 50 objections on one case in 1.2 s from one address were accepted).

Per address at most 5 an hour, per case at most 20 a day; from an address's 4th objection in the hour the web
form asks an arithmetic question (answer kept out of the browser, one use); the API, which has no session to
carry a question, answers 429 ``challenge_required`` from the 4th. Over a limit: 429 with a Chinese message (the
form keeps what was typed) or JSON ``rate_limited``; nothing is stored for a refused objection (GAP-9: the
objection itself is still open to anyone during the notice, through the form or the organising bureau)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories import TODAY
from tests.walk import case
from tests.webapp.views.case_walk import walk
from webapp.core import clock
from webapp.core.extensions import db
from webapp.core.models import AuditEvent, Throttle
from webapp.grading.models import Objection
from webapp.grading.public import challenge
from webapp.grading.services import objection_limits

ADDRESS = "203.0.113.7"


def _objections() -> int:
    return db.session.scalar(sa.select(sa.func.count(Objection.id))) or 0


def _audit_rows() -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) or 0


@pytest.fixture
def noticed(demo) -> int:
    """夷陵区财政局's case on public notice (today is its first day)."""
    with demo.app_context():
        return walk("unit-county", to="in_notice")


def _client(app, address: str = ADDRESS):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _form(client, case_id: int) -> str:
    response = client.get(f"/notices/{case_id}/objection")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _question(page: str) -> str | None:
    found = re.search(r"验证问题：([^<]+)</label>", page)
    return found.group(1) if found else None


def _answer(question: str) -> int:
    """Solve the form's question the way a person reads it."""
    numbers = {word: n for n, word in enumerate(challenge.DIGITS)}
    a, op, b = re.fullmatch(r"(.)(加|减|乘以)(.)等于多少？", question).groups()
    x, y = numbers[a], numbers[b]
    return {"加": x + y, "减": x - y, "乘以": x * y}[op]


def _post(client, case_id: int, n: int, **extra) -> object:
    token = re.search(r'name="submission_token" type="hidden" value="([^"]+)"', _form(client, case_id))
    data = {"content": f"第{n}份异议：申报材料与实际不符，请核实。", "name": "王五", "contact": "13800000000"}
    data["submission_token"] = token.group(1) if token else ""
    data.update(extra)
    return client.post(f"/notices/{case_id}/objection", data=data)


def _post_answering(client, case_id: int, n: int):
    """Open the form, answer its question when it asks one, submit."""
    page = _form(client, case_id)
    question = _question(page)
    token = re.search(r'name="submission_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"content": f"第{n}份异议：申报材料与实际不符，请核实。", "submission_token": token}
    if question:
        data["challenge"] = str(_answer(question))
    return client.post(f"/notices/{case_id}/objection", data=data)


# --- the form -----------------------------------------------------------------------------------------------


def test_three_objections_from_one_address_need_no_question_and_the_fourth_form_asks_one(noticed, demo):
    client = _client(demo)
    for n in range(1, 4):
        assert _question(_form(client, noticed)) is None
        assert _post(client, noticed, n).status_code == 302
    page = _form(client, noticed)
    assert _question(page) is not None
    assert "本网络地址一小时内已提交多份异议" in page
    other = _client(demo, "198.51.100.1")  # another address is not asked
    assert _question(_form(other, noticed)) is None


def test_the_fourth_objection_without_the_answer_is_refused_keeps_what_was_typed_and_stores_nothing(
    noticed, demo
):
    client = _client(demo)
    for n in range(1, 4):
        assert _post(client, noticed, n).status_code == 302
    with demo.app_context():
        before = (_objections(), _audit_rows())
    response = _post(client, noticed, 4, challenge="")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "验证问题的答案不正确或已过期" in page
    assert (
        "第4份异议：申报材料与实际不符" in page and 'value="王五"' in page and 'value="13800000000"' in page
    )
    assert _question(page) is not None  # a new question to answer
    wrong = _post(client, noticed, 4, challenge="1000")
    assert wrong.status_code == 400
    with demo.app_context():
        assert (_objections(), _audit_rows()) == before


def test_the_fourth_and_fifth_objection_with_the_right_answer_are_received(noticed, demo):
    client = _client(demo)
    for n in range(1, 6):
        response = _post_answering(client, noticed, n)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        assert "/objections/GS-" in response.headers["Location"]
    with demo.app_context():
        assert _objections() == 5


def test_the_sixth_objection_from_one_address_in_an_hour_is_429_and_stores_nothing(noticed, demo):
    client = _client(demo)
    for n in range(1, 6):
        assert _post_answering(client, noticed, n).status_code == 302
    with demo.app_context():
        before = (_objections(), _audit_rows())
    response = _post_answering(client, noticed, 6)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "同一网络地址每小时最多提交5份异议" in page
    assert "第6份异议：申报材料与实际不符" in page  # the form keeps what was typed
    with demo.app_context():
        assert (_objections(), _audit_rows()) == before
    # another address may still object
    assert _post(_client(demo, "198.51.100.9"), noticed, 7).status_code == 302


def test_an_answer_is_good_once_even_when_the_old_session_cookie_is_sent_again(noticed, demo):
    """The question is spent server-side: replaying the cookie that held a solved question files nothing."""
    client = _client(demo)
    for n in range(1, 4):
        assert _post(client, noticed, n).status_code == 302
    page = _form(client, noticed)
    answer = str(_answer(_question(page)))
    cookie = client.get_cookie("kaoping_session")
    token = re.search(r'name="submission_token" type="hidden" value="([^"]+)"', page).group(1)
    first = client.post(
        f"/notices/{noticed}/objection",
        data={
            "content": "第4份异议：申报材料与实际不符，请核实。",
            "submission_token": token,
            "challenge": answer,
        },
    )
    assert first.status_code == 302
    replay = _client(demo)
    replay.set_cookie("kaoping_session", cookie.value)
    again = replay.post(
        f"/notices/{noticed}/objection",
        data={
            "content": "第5份异议：另一份内容，请核实。",
            "submission_token": "another-token-1",
            "challenge": answer,
        },
    )
    assert again.status_code == 400
    with demo.app_context():
        assert _objections() == 4


def test_the_answer_is_not_in_the_session_cookie(noticed, demo):
    """The session is a signed but readable cookie: it holds a MAC of the answer, never the answer."""
    client = _client(demo)
    for n in range(1, 4):
        assert _post(client, noticed, n).status_code == 302
    _form(client, noticed)
    with client.session_transaction() as session:
        asked = session[challenge.SESSION_KEY]
    assert set(asked) == {"nonce", "at", "mac"}


def test_a_limit_window_passes(noticed, demo):
    """An hour after the first objection the address starts again at one (the window is fixed, not sliding)."""
    with demo.app_context():
        now = clock.now()
        for _ in range(5):
            objection_limits.record(noticed, ADDRESS, now=now, challenge_passed=True)
        with pytest.raises(objection_limits.RateLimited) as refused:
            objection_limits.check(noticed, ADDRESS, now=now)
        assert 3500 < refused.value.retry_after <= 3600
        objection_limits.check(noticed, ADDRESS, now=now + timedelta(hours=1, seconds=1))
        assert not objection_limits.needs_challenge(ADDRESS, now=now + timedelta(hours=1, seconds=1))
        db.session.rollback()


# --- per case -------------------------------------------------------------------------------------------------


def test_the_21st_objection_on_a_case_in_a_day_is_429_from_any_address(noticed, demo):
    for n in range(1, 21):
        assert _post(_client(demo, f"198.51.100.{n}"), noticed, n).status_code == 302
    with demo.app_context():
        before = (_objections(), _audit_rows())
    response = _post(_client(demo, "198.51.100.200"), noticed, 21)
    assert response.status_code == 429
    assert "该公示今日收到的异议已达上限（每天20份）" in response.get_data(as_text=True)
    api = _client(demo, "198.51.100.201").post(
        f"/api/v1/notices/{noticed}/objections", json={"content": "第22份异议：申报材料与实际不符。"}
    )
    assert api.status_code == 429
    assert api.get_json()["error"] == "rate_limited"
    with demo.app_context():
        assert (_objections(), _audit_rows()) == before
        assert case(noticed).state == "objection_review"


# --- the API --------------------------------------------------------------------------------------------------


def _api(client, case_id: int, n: int, **headers):
    return client.post(
        f"/api/v1/notices/{case_id}/objections",
        json={"content": f"第{n}份异议：档案库房不达标。", "name": "王五"},
        headers=headers,
    )


def test_the_api_takes_three_from_an_address_then_asks_for_the_web_form(noticed, demo):
    """The API carries no session to keep a question's answer in: the 4th objection in the hour is 429
    ``challenge_required`` (the web form, with its question, stays open to a person)."""
    client = _client(demo)
    assert [_api(client, noticed, n).status_code for n in range(1, 4)] == [201, 201, 201]
    with demo.app_context():
        before = (_objections(), _audit_rows())
    fourth = _api(client, noticed, 4)
    assert fourth.status_code == 429
    body = fourth.get_json()
    assert body["error"] == "challenge_required" and "网页上的异议表单" in body["message"]
    assert int(fourth.headers["Retry-After"]) > 0
    with demo.app_context():
        assert (_objections(), _audit_rows()) == before


def test_the_api_answers_rate_limited_with_a_chinese_message_over_five(noticed, demo):
    client = _client(demo)
    for n in range(1, 4):
        assert _api(client, noticed, n).status_code == 201
    for n in range(4, 6):  # the 4th and 5th through the form, with the question answered
        assert _post_answering(client, noticed, n).status_code == 302
    sixth = _api(client, noticed, 6)
    assert sixth.status_code == 429
    body = sixth.get_json()
    assert body["error"] == "rate_limited"
    assert "同一网络地址每小时最多提交5份异议" in body["message"]
    assert 0 < int(sixth.headers["Retry-After"]) <= 3600
    with demo.app_context():
        assert _objections() == 5


def test_a_retry_with_the_same_key_is_not_counted_again(noticed, demo):
    """An Idempotency-Key retry returns the objection already filed and uses up no allowance."""
    client = _client(demo)
    first = _api(client, noticed, 1, **{"Idempotency-Key": "retry-key-0001"})
    for _ in range(5):
        again = _api(client, noticed, 1, **{"Idempotency-Key": "retry-key-0001"})
        assert again.status_code == 201 and again.get_json() == first.get_json()
    with demo.app_context():
        count = db.session.scalar(
            sa.select(Throttle.count).where(Throttle.scope == "objection_address", Throttle.key == ADDRESS)
        )
        assert count == 1 and _objections() == 1


def test_calls_from_the_code_itself_count_against_the_case_only(noticed, demo):
    """The service called without an address (the demo, the bureau's own tools) meets the per-case limit."""
    from webapp.grading.services import objection_filing

    with demo.app_context():
        for n in range(20):
            objection_filing.submit_objection(noticed, content=f"第{n}份异议：材料不符。", today=TODAY)
        with pytest.raises(objection_limits.RateLimited):
            objection_filing.submit_objection(noticed, content="第21份异议：材料不符。", today=TODAY)
        assert _objections() == 20


# --- whose address: behind the proxy, the client's ---------------------------------------------------------------


def _address_app(tmp_path, **config):
    from tests.factories import make_test_app
    from webapp.core.auth.permissions import public
    from webapp.core.services.client import client_address

    app = make_test_app(tmp_path, **config)
    app.add_url_rule("/address-for-test", "address_for_test", public(lambda: client_address()))
    return app.test_client()


def test_behind_one_proxy_the_limits_key_on_the_forwarded_client_address(tmp_path):
    """KAOPING_PROXY_HOPS=1 (nginx): two people behind one proxy are two addresses, not one 127.0.0.1."""
    client = _address_app(tmp_path, KAOPING_PROXY_HOPS="1")
    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    assert client.get("/address-for-test", headers=forwarded).get_data(as_text=True) == "203.0.113.9"
    # a client adding its own X-Forwarded-For gets the address the proxy saw, not the one it chose
    chosen = {"X-Forwarded-For": "10.9.9.9, 203.0.113.10"}
    assert client.get("/address-for-test", headers=chosen).get_data(as_text=True) == "203.0.113.10"


def test_without_a_proxy_a_forwarded_header_cannot_choose_the_address(tmp_path):
    client = _address_app(tmp_path)
    response = client.get("/address-for-test", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.get_data(as_text=True) == "127.0.0.1"
