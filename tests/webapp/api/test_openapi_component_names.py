"""The OpenAPI document names each component schema after its pydantic model's class name
(webapp/core/api/spec.py). Two models of one name — one in grading, one in articles — would silently describe
one with the other's shape: the schemathesis search found the article history, blocked events, instructions and
follow-ups checked against grading's and publishing's models of the same names (issue 9)."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel

import webapp
from tests.factories import make_test_app


def _api_models() -> dict[str, set[str]]:
    """Model class name → the distinct JSON schemas of the models of that name in the app's API modules."""
    schemas: dict[str, set[str]] = defaultdict(set)
    for info in pkgutil.walk_packages(webapp.__path__, "webapp."):
        if ".api" not in info.name or ".migrations" in info.name:
            continue
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if inspect.isclass(obj) and issubclass(obj, BaseModel) and obj.__module__ == info.name:
                schema = obj.model_json_schema(mode="serialization")
                schemas[obj.__name__].add(json.dumps(schema, sort_keys=True))
    return schemas


def test_no_two_models_in_the_openapi_document_share_a_component_name(tmp_path: Path) -> None:
    components = make_test_app(tmp_path).test_client().get("/api/v1/openapi.json").get_json()["components"]
    shapes = _api_models()
    clashes = sorted(name for name in components["schemas"] if len(shapes.get(name, ())) > 1)
    assert not clashes, f"models of one name with different shapes: {clashes}"
