"""The persona field reference, generated from the persona JSON Schema (`sparring scenario schema`).

One walk over the schema gives one row per field (its path in the YAML, what kind of value it
takes, whether it is required, its default and its description). The trainer's editor shows the
rows in the app, and `docs/personas.md` is written from the same rows (`python -m server.docs`),
so the reference cannot drift from the models in `server/scenario/schema.py`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from server.scenario.loader import jsonschema


@dataclass(frozen=True)
class FieldRow:
    path: str  # e.g. `issues[].resolve.markers`
    kind: str  # e.g. "text", "number 0-10", "one of: chat, voice"
    required: bool
    default: str  # "" when the field has none (or is required)
    description: str
    depth: int  # 0 for top-level keys


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str):
        resolved: dict[str, Any] = defs[ref.rsplit("/", 1)[-1]]
        return resolved
    return node


def _range(node: dict[str, Any]) -> str:
    low = node.get("minimum", node.get("exclusiveMinimum"))
    high = node.get("maximum", node.get("exclusiveMaximum"))
    if low is not None and high is not None:
        return f" {low:g}–{high:g}"
    if low is not None:
        return f" ≥ {low:g}"
    if high is not None:
        return f" ≤ {high:g}"
    return ""


def _kind(node: dict[str, Any], defs: dict[str, Any]) -> str:
    """What kind of value a schema node takes, in a trainer's words."""
    if "anyOf" in node:
        kinds = [_kind(option, defs) for option in node["anyOf"] if option.get("type") != "null"]
        unique = list(dict.fromkeys(kinds))
        return " or ".join(unique)
    node = _resolve(node, defs)
    if "enum" in node:
        return "one of: " + ", ".join(str(value) for value in node["enum"])
    kind = node.get("type")
    if kind == "string":
        return "text"
    if kind == "integer":
        return "whole number" + _range(node)
    if kind == "number":
        return "number" + _range(node)
    if kind == "boolean":
        return "yes/no"
    if kind == "array":
        items = node.get("items", {})
        inner = _kind(items, defs)
        return f"list of {inner}" if _object_properties(items, defs) is None else "list of entries"
    if kind == "object":
        if node.get("properties"):
            return "section"
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            inner = _kind(extra, defs)
            return f"map of name → {inner}" if _object_properties(extra, defs) is None else "map"
        return "section"
    return "value"


def _object_properties(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any] | None:
    """The object schema a node leads to (directly, by $ref, or as the non-null option)."""
    if "anyOf" in node:
        for option in node["anyOf"]:
            found = _object_properties(option, defs)
            if found is not None:
                return found
        return None
    node = _resolve(node, defs)
    if node.get("type") == "object" and node.get("properties"):
        return node
    return None


def _default(node: dict[str, Any]) -> str:
    if "default" not in node or node["default"] is None:
        return ""
    value = node["default"]
    if value in ([], {}):
        return "empty"
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _walk(schema: dict[str, Any], defs: dict[str, Any], prefix: str, depth: int) -> list[FieldRow]:
    rows: list[FieldRow] = []
    required = set(schema.get("required", []))
    for name, node in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        target = _resolve(node, defs)
        description = node.get("description") or target.get("description") or ""
        rows.append(
            FieldRow(
                path=path,
                kind=_kind(node, defs),
                required=name in required,
                default=_default(node),
                description=" ".join(str(description).split()),
                depth=depth,
            )
        )
        nested = _object_properties(node, defs)
        if nested is not None:
            rows.extend(_walk(nested, defs, f"{path}.", depth + 1))
            continue
        if target.get("type") == "array":
            item = _object_properties(target.get("items", {}), defs)
            if item is not None:
                rows.extend(_walk(item, defs, f"{path}[].", depth + 1))
        elif target.get("type") == "object" and isinstance(
            target.get("additionalProperties"), dict
        ):
            value = _object_properties(target["additionalProperties"], defs)
            if value is not None:
                rows.extend(_walk(value, defs, f"{path}.<name>.", depth + 1))
    return rows


def persona_fields() -> list[FieldRow]:
    """Every field of a persona file, in the order the models declare them."""
    schema = jsonschema()
    return _walk(schema, schema.get("$defs", {}), "", 0)


def curriculum_fields() -> list[FieldRow]:
    """Every field of `curriculum.yaml`."""
    schema = jsonschema()
    defs = schema.get("$defs", {})
    return _walk(defs["Curriculum"], defs, "", 0)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_table(rows: list[FieldRow]) -> str:
    lines = ["| Field | Value | Required | Default | Meaning |", "|---|---|---|---|---|"]
    for row in rows:
        lines.append(
            f"| `{row.path}` | {_cell(row.kind)} | {'yes' if row.required else ''} | "
            f"{_cell(row.default)} | {_cell(row.description)} |"
        )
    return "\n".join(lines) + "\n"
