"""Turn pydantic's validation errors into messages that say what a persona file should contain.

The expected ranges, allowed keys and descriptions come from the model's JSON Schema, so the
messages stay true when the schema changes.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails


def is_union_tag(part: str | int) -> bool:
    """pydantic names the member of a union it tried (`AfterTurns`, `literal['resolved']`,
    `constrained-str`); such a part of an error location is not a key of the file."""
    return isinstance(part, str) and (
        part[:1].isupper() or "[" in part or part.startswith(("constrained-", "function-"))
    )


@cache
def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in node and len(node["allOf"]) == 1:
        return _resolve(node["allOf"][0], defs)
    return node


def _step(node: dict[str, Any], part: str | int, defs: dict[str, Any]) -> dict[str, Any] | None:
    node = _resolve(node, defs)
    for option in node.get("anyOf", []):
        found = _step(option, part, defs)
        if found is not None:
            return found
    if isinstance(part, int):
        items = node.get("items")
        return _resolve(items, defs) if isinstance(items, dict) else None
    properties = node.get("properties", {})
    if part in properties:
        return _resolve(properties[part], defs)
    extra = node.get("additionalProperties")
    return _resolve(extra, defs) if isinstance(extra, dict) else None


def schema_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> dict[str, Any] | None:
    """The JSON Schema node of the field at `loc` (None when the path leaves the schema)."""
    root = _schema(model)
    defs = root.get("$defs", {})
    node: dict[str, Any] | None = root
    for part in loc:
        if node is None:
            return None
        if is_union_tag(part):
            continue
        node = _step(node, part, defs)
    return _resolve(node, defs) if node is not None else None


def _bounds(node: dict[str, Any] | None) -> tuple[Any, Any]:
    if node is None:
        return None, None
    for option in [node, *node.get("anyOf", [])]:
        low = option.get("minimum", option.get("exclusiveMinimum"))
        high = option.get("maximum", option.get("exclusiveMaximum"))
        if low is not None or high is not None:
            return low, high
    return None, None


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _got(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value) if isinstance(value, str) else _number(value)


def describe_error(model: type[BaseModel], detail: ErrorDetails) -> str:
    """One sentence: what is expected at the error's location, and what was found."""
    loc = tuple(detail["loc"])
    kind = detail["type"]
    ctx = detail.get("ctx", {})
    value = detail.get("input")
    node = schema_at(model, loc)
    if kind == "missing":
        description = " ".join(str(node.get("description", "")).split()) if node else ""
        hint = f" ({description})" if description else ""
        return f"required; add `{loc[-1]}:`{hint}"
    if kind == "extra_forbidden":
        parent = schema_at(model, loc[:-1]) or {}
        defs = _schema(model).get("$defs", {})
        options = [parent, *(_resolve(o, defs) for o in parent.get("anyOf", []))]
        keys = [key for option in options for key in option.get("properties", {})]
        allowed = ", ".join(keys) or "none"
        return f"unknown field {str(loc[-1])!r}; expected one of: {allowed}"
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        low, high = _bounds(node)
        if low is not None and high is not None:
            return f"must be between {_number(low)} and {_number(high)}, got {_got(value)}"
        limit = next(iter(ctx.values()), "?")
        relation = "at least" if kind.startswith("greater") else "at most"
        return f"must be {relation} {_number(limit)}, got {_got(value)}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '?')}, got {_got(value)}"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"must be a whole number, got {_got(value)}"
    if kind in {"float_parsing", "float_type"}:
        return f"must be a number, got {_got(value)}"
    if kind == "string_type":
        if isinstance(value, bool | int | float):
            return f"must be text, got {_got(value)}; put it in quotes"
        return f"must be text, got {_got(value)}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_pattern_mismatch":
        described = node.get("description") if node else None
        expected = described or f"text matching {ctx.get('pattern')}"
        return f"must be {expected}, got {_got(value)}"
    if kind == "too_short":
        return f"must list at least {ctx.get('min_length')}, got {ctx.get('actual_length')}"
    if kind == "too_long":
        return f"must list at most {ctx.get('max_length')}, got {ctx.get('actual_length')}"
    if kind in {"list_type", "tuple_type"}:
        return f"must be a list (`[a, b]` or lines starting with `- `), got {_got(value)}"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"must be a mapping of fields (`key: value` lines), got {_got(value)}"
    if kind == "value_error":
        return str(detail["msg"]).removeprefix("Value error, ")
    return f"{detail['msg']}, got {_got(value)}"
