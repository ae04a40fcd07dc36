"""The one description of each API operation (`webapp.core.api.spec`): the document lists every URL, a body is
refused in Chinese naming the field, and an answer that strays from its model fails the tests."""

from __future__ import annotations

from typing import Literal

import pytest
from flask import Flask, jsonify
from pydantic import Field, ValidationError

from webapp.core.api import errors
from webapp.core.api.spec import Body, Out, document, operation
from webapp.core.services.errors import ServiceError


def test_every_api_url_is_in_the_generated_document_with_its_methods(app):
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    documented = {(path, method) for path, item in doc["paths"].items() for method in item}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace("<", "{").replace(">", "}")
            served |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == documented


def test_the_document_refs_resolve_and_the_error_shape_is_shared(app):
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    text = str(doc)
    schemas = doc["components"]["schemas"]
    for name in {part.split("'")[0] for part in text.split("#/components/schemas/")[1:]}:
        assert name in schemas, name
    assert schemas["Error"]["required"] == ["error", "message"]
    refusal = doc["paths"]["/cases/{case_id}/events"]["post"]["responses"]["409"]
    assert refusal["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


class Sample(Body):
    count: int
    kind: Literal["self", "agreed"]
    note: str | None = None
    step: int | None = Field(None, multiple_of=5)


class Answer(Out):
    total: int


def _tiny_app(answer: dict) -> Flask:
    """An app with one declared operation, the API's error handler and TESTING on."""
    app = Flask(__name__)
    app.config["TESTING"] = True

    @operation("sample", body=Sample, responses={200: ("the total", Answer)})
    def view(body: Sample):  # noqa: ANN202
        return jsonify(answer)

    app.add_url_rule("/sample", view_func=view, methods=["POST"])
    app.register_error_handler(ServiceError, errors.handle_service_error)
    return app


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"kind": "self"}, "count", "缺少字段 count"),
        ({"count": "1", "kind": "self"}, "count", "count 须为整数"),
        ({"count": True, "kind": "self"}, "count", "count 须为整数"),
        ({"count": 1, "kind": "draft"}, "kind", "kind 只能是：self、agreed"),
        ({"count": 1, "kind": "self", "note": 5}, "note", "note 须为字符串"),
        ({"count": 1, "kind": "self", "step": 3}, "step", "step 的值不正确"),  # no sentence of its own
    ],
)
def test_a_body_the_model_refuses_is_400_invalid_input_in_chinese_naming_the_field(body, field, words):
    response = _tiny_app({"total": 1}).test_client().post("/sample", json=body)
    assert response.status_code == 400
    assert response.get_json() == {"error": "invalid_input", "message": words, "field": field}


def test_a_body_that_is_not_an_object_is_400_without_a_field():
    response = _tiny_app({"total": 1}).test_client().post("/sample", json=[1])
    assert (response.status_code, response.get_json()["error"]) == (400, "invalid_input")
    assert response.get_json()["field"] is None


def test_an_answer_with_a_key_its_model_does_not_name_fails_under_test():
    client = _tiny_app({"total": 1, "secret": "x"}).test_client()
    with pytest.raises(ValidationError, match="secret"):
        client.post("/sample", json={"count": 1, "kind": "self"})
    assert (
        _tiny_app({"total": 1}).test_client().post("/sample", json={"count": 1, "kind": "self"}).status_code
        == 200
    )


def test_a_url_without_a_declared_operation_cannot_be_documented():
    app = Flask(__name__)
    app.add_url_rule("/api/v1/undeclared", view_func=lambda: "", endpoint="api.undeclared")
    with app.test_request_context(), pytest.raises(LookupError, match="api.undeclared"):
        document("/api/v1", {"title": "t", "version": "1"})
