from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from webapp.core.extensions import db
from webapp.core.models import ApiToken, hash_token


def _token(client, username="unit-county", password="kaoping-demo"):
    return client.post("/api/v1/tokens", json={"username": username, "password": password})


def test_token_endpoint_returns_a_token(demo, client):
    response = _token(client)
    assert response.status_code == 200
    token = response.get_json()["token"]
    assert token.startswith("kp_") and len(token) > 30


def test_only_the_sha256_of_a_token_is_stored(demo, client):
    token = _token(client).get_json()["token"]
    with demo.app_context():
        stored = db.session.scalars(sa.select(ApiToken.token_sha256)).all()
    assert stored == [hash_token(token)]
    assert token not in stored


def test_bad_credentials_get_401_json(demo, client):
    response = _token(client, password="nope")
    assert response.status_code == 401
    assert response.get_json() == {
        "error": "invalid_credentials",
        "message": "用户名或密码错误，或账号已停用或暂时锁定。",
    }


def test_token_request_must_be_json_with_both_fields(demo, client):
    assert client.post("/api/v1/tokens", data="x").get_json()["error"] == "bad_request"
    response = client.post("/api/v1/tokens", json={"username": "admin"})
    assert response.status_code == 400 and response.get_json()["error"] == "missing_credentials"


def test_bearer_token_authenticates_api_requests(demo, client):
    token = _token(client).get_json()["token"]
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["username"] == "unit-county"
    assert body["organisation"]["name"] == "夷陵区财政局"
    assert body["roles"] == ["unit_applicant"]
    with demo.app_context():
        assert db.session.scalar(sa.select(ApiToken.last_used_at)) is not None


def test_api_without_token_gets_401_json_not_a_redirect(demo, client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_bad_or_expired_token_gets_401(demo, client):
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer kp_nonsense"}).status_code == 401
    token = _token(client).get_json()["token"]
    with demo.app_context():
        db.session.execute(sa.update(ApiToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_browser_session_does_not_authenticate_the_api(demo, client, auth):
    auth.login("admin")
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").status_code == 401


def test_api_does_not_need_csrf_token(tmp_path):
    from tests.factories import make_test_app
    from webapp.demo import load_demo

    app = make_test_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        load_demo()
    assert _token(app.test_client()).status_code == 200


def test_api_errors_are_json_in_chinese(demo, client):
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
    wrong_method = client.get("/api/v1/tokens")
    assert wrong_method.status_code == 405
    assert wrong_method.get_json() == {"error": "method_not_allowed", "message": "不支持该请求方法。"}


def test_oversized_api_request_gets_413_json(demo, client):
    demo.config["MAX_CONTENT_LENGTH"] = 10
    response = client.post("/api/v1/tokens", json={"username": "admin", "password": "kaoping-demo"})
    assert response.status_code == 413 and response.get_json()["error"] == "payload_too_large"
