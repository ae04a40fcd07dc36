"""One description per API operation: pydantic models that validate the request, check the response (in tests)
and make the OpenAPI document served at ``GET /api/v1/openapi.json``.

A view declares its operation with `operation(...)`; the wrapper reads the JSON body into the declared model
(a refusal is the usual 400 ``invalid_input`` naming the field, in Chinese), hands it to the view as ``body``,
and under ``TESTING`` checks what the view answers against the declared response model (``extra="forbid"``,
so an undocumented key fails the suite). `document()` walks the blueprint's URL rules and builds the paths
from the same models, so the document cannot list a field the code does not read or answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any, ClassVar, TypeVar

from flask import current_app, request
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from webapp.core.auth.permissions import PERMISSION_ATTR
from webapp.core.services.errors import InvalidInput, ServiceError

F = TypeVar("F", bound=Callable[..., Any])
OPERATION_ATTR = "api_operation"
REF = "#/components/schemas/{model}"


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


#: a choice as sent, surrounding blanks ignored (``" plan "`` is ``plan``, as the readers before the models took it)
Stripped = BeforeValidator(_strip)


class Body(BaseModel):
    """A JSON request body. Strict: ``"1"`` is not an integer, ``1`` is not a string; unknown keys are ignored
    (as before: clients may send more than an operation reads)."""

    model_config = ConfigDict(strict=True, extra="ignore")
    #: (code, message) answered instead of ``invalid_input`` when the body is not a JSON object / is refused
    not_object: ClassVar[tuple[str, str] | None] = None
    refused: ClassVar[tuple[str, str] | None] = None


class Out(BaseModel):
    """A response shape. ``extra="forbid"``: a key the view answers but the model does not name fails the tests."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Operation:
    summary: str
    responses: Mapping[int, tuple[str, type[BaseModel] | None]]
    body: type[Body] | None = None
    body_required: bool = True
    #: documented, validated by the view (multipart forms, the shared case-list filter parser)
    form: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    headers: tuple[dict[str, Any], ...] = ()
    description: str | None = None


def operation(
    summary: str,
    *,
    responses: Mapping[int, tuple[str, type[BaseModel] | None] | str],
    body: type[Body] | None = None,
    body_required: bool = True,
    form: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    headers: tuple[dict[str, Any], ...] = (),
    description: str | None = None,
) -> Callable[[F], F]:
    """Declare a view's operation. ``responses``: status → (description, model) or, for errors, a description
    (the body is the shared ``Error``). A view with a ``body`` model is called with ``body=`` the parsed model."""
    op = Operation(
        summary=summary,
        responses={s: (r, None) if isinstance(r, str) else r for s, r in responses.items()},
        body=body,
        body_required=body_required,
        form=form,
        query=query,
        headers=headers,
        description=description,
    )

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if op.body is not None:
                kwargs["body"] = parse_body(op.body, required=op.body_required)
            answer = view(*args, **kwargs)
            if current_app.testing:
                check_response(op, answer)
            return answer

        setattr(wrapped, OPERATION_ATTR, op)
        return wrapped  # type: ignore[return-value]

    return decorate


# -- reading a body --------------------------------------------------------------------------------------------


def parse_body(model: type[Body], *, required: bool = True) -> Body:
    """The JSON body as ``model``; an optional body may be absent (then every field takes its default)."""
    if not required and not request.get_data():
        return model.model_validate({})
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        if model.not_object is not None:
            raise ServiceError(model.not_object[1], code=model.not_object[0])
        raise InvalidInput("请求体须为 JSON 对象（Content-Type: application/json）。")
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        if model.refused is not None:
            raise ServiceError(model.refused[1], code=model.refused[0]) from None
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else None
        raise InvalidInput(message(model, error), name) from None


_MESSAGES: dict[str, str] = {
    "missing": "缺少字段 {name}",
    "string_type": "{name} 须为字符串",
    "string_too_short": "{name} 不能为空",
    "string_too_long": "{name} 不能超过 {max_length} 个字",
    "int_type": "{name} 须为整数",
    "int_from_float": "{name} 须为整数",
    "float_type": "{name} 须为数字",
    "finite_number": "{name} 须为数字",
    "bool_type": "{name} 须为 true 或 false",
    "dict_type": "{name} 须为对象",
    "model_type": "{name} 须为对象",
    "list_type": "{name} 须为列表",
    "too_long": "{name} 最多 {max_length} 项",
    "greater_than_equal": "{name} 不能小于 {ge}",
    "less_than_equal": "{name} 不能大于 {le}",
    "string_pattern_mismatch": "{name} 格式不正确",
}


def message(model: type[BaseModel], error: ErrorDetails) -> str:
    """A pydantic error as a Chinese sentence naming the field (its path inside the body, ``a.b``)."""
    name = ".".join(str(part) for part in error["loc"]) or "请求体"
    if error["type"] == "kaoping":  # a model's own validator wrote the sentence (PydanticCustomError)
        return error["msg"].replace("{name}", name)
    if error["type"] in ("literal_error", "enum"):
        allowed = _allowed(model, str(error["loc"][0])) if error["loc"] else []
        return f"{name} 只能是：{'、'.join(allowed)}"
    try:
        return _MESSAGES[error["type"]].format(name=name, **(error.get("ctx") or {}))
    except KeyError:  # a type without a sentence here, or a context it lacks: still Chinese, still the field
        return f"{name} 的值不正确"


def _allowed(model: type[BaseModel], name: str) -> list[str]:
    schema = model.model_json_schema(ref_template=REF)["properties"].get(name, {})
    for option in [schema, *schema.get("anyOf", [])]:
        if "enum" in option:
            return [str(v) for v in option["enum"]]
    return []


# -- checking an answer ----------------------------------------------------------------------------------------


def check_response(op: Operation, answer: Any) -> None:
    """Under test: the view's answer must match the model declared for its status (drift fails the suite)."""
    response = current_app.make_response(answer)
    declared = op.responses.get(response.status_code)
    if declared is None:
        raise AssertionError(
            f"{request.method} {request.path} answered {response.status_code}, not documented"
        )
    model = Error if response.status_code >= 400 else declared[1]
    if model is not None:
        model.model_validate(response.get_json())
    elif response.status_code != 204 and response.is_json:
        raise AssertionError(f"{request.method} {request.path}: a JSON body where none is documented")


# -- the document ----------------------------------------------------------------------------------------------


class Error(Out):
    """``{"error": code, "message": Chinese, "rule": rule id|null, "field": field|null}``."""

    error: str
    message: str
    rule: str | None = None
    field: str | None = None


_PATH_ARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def document(prefix: str, info: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI 3.1 document for every rule under ``prefix`` (each must declare its operation)."""
    models: set[type[BaseModel]] = {Error}
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(prefix + "/"):
            continue
        view = current_app.view_functions[rule.endpoint]
        op: Operation | None = getattr(view, OPERATION_ATTR, None)
        if op is None:
            raise LookupError(f"{rule.endpoint} declares no operation (webapp.core.api.spec.operation)")
        path = _PATH_ARG.sub(r"{\2}", rule.rule[len(prefix) :])
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, view, op, models)
    schemas: dict[str, Any] = {}
    for model in sorted(models, key=lambda m: m.__name__):
        schema = model.model_json_schema(ref_template=REF, mode="serialization")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return {
        "openapi": "3.1.0",
        "info": info,
        "servers": [{"url": prefix}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "token from POST /tokens"}
            },
            "schemas": schemas,
        },
        "paths": paths,
    }


def _query_value(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter's schema: a query string has no null (an optional field's ``None`` is its absence)."""
    schema = {k: v for k, v in schema.items() if k not in ("default", "title")}
    options = [option for option in schema.pop("anyOf", []) if option != {"type": "null"}]
    if len(options) == 1:
        schema.update(options[0])
    elif options:
        schema["anyOf"] = options
    return schema


def _ref(model: type[BaseModel], models: set[type[BaseModel]]) -> dict[str, str]:
    models.add(model)
    return {"$ref": REF.format(model=model.__name__)}


def _operation(rule: Any, view: Any, op: Operation, models: set[type[BaseModel]]) -> dict[str, Any]:
    public = getattr(view, PERMISSION_ATTR, None) == "public"
    out: dict[str, Any] = {"summary": op.summary, "operationId": rule.endpoint.split(".", 1)[1]}
    if op.description:
        out["description"] = op.description
    out["security"] = [] if public else [{"bearer": []}]
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer"} if converter == "int" else {"type": "string"},
        }
        for converter, name in _PATH_ARG.findall(rule.rule)
    ]
    if op.query is not None:
        schema = op.query.model_json_schema(ref_template=REF)
        for name, prop in schema["properties"].items():
            description = prop.pop("description", None)
            prop = _query_value(prop)
            parameter = {
                "name": name,
                "in": "query",
                "required": name in schema.get("required", []),
                "schema": prop,
            }
            if description:
                parameter["description"] = description
            parameters.append(parameter)
    parameters.extend(op.headers)
    if parameters:
        out["parameters"] = parameters
    if op.body is not None:
        content = {"application/json": {"schema": _ref(op.body, models)}}
        out["requestBody"] = {"required": op.body_required, "content": content}
    elif op.form is not None:
        out["requestBody"] = {
            "required": True,
            "content": {"multipart/form-data": {"schema": _ref(op.form, models)}},
        }
    declared = dict(op.responses)
    if op.body is not None or op.form is not None or op.query is not None:
        declared.setdefault(400, ("invalid input (the field is named)", None))
    if "<" in rule.rule:
        declared.setdefault(404, ("no such resource, or the caller may not see it", None))
    responses: dict[str, Any] = {}
    for status, (description, model) in sorted(declared.items()):
        if status >= 400:
            model = Error
        entry: dict[str, Any] = {"description": description}
        if model is not None:
            entry["content"] = {"application/json": {"schema": _ref(model, models)}}
        responses[str(status)] = entry
    if not public:
        responses.setdefault("401", {"description": "missing, invalid or expired token"})
        responses["401"]["content"] = {"application/json": {"schema": _ref(Error, models)}}
    out["responses"] = responses
    return out
