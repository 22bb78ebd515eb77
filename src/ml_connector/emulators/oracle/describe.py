"""`GET .../<resource>/describe`: the resource's metadata (attributes, types, queryable, finders, children)."""

from __future__ import annotations

from typing import Any

from ml_connector.emulators.oracle.resources import Kind, ResourceSpec

DESCRIBE_TYPE = "application/vnd.oracle.adf.description+json"
_TYPES = {
    Kind.INT: "integer",
    Kind.NUM: "number",
    Kind.STR: "string",
    Kind.DATE: "date",
    Kind.TS: "datetime",
    Kind.BOOL: "boolean",
}


def _resource(spec: ResourceSpec) -> dict[str, Any]:
    attributes = [
        {
            "name": name,
            "type": _TYPES[kind],
            "updatable": spec.writable and name not in spec.read_only,
            "mandatory": name in (spec.key, "Supplier"),
            "queryable": True,
        }
        for name, kind in spec.attrs.items()
    ]
    finders = [
        {"name": "PrimaryKey", "attributes": [{"name": k} for k in ((spec.key,) if spec.key else spec.hash_key)]}
    ]
    finders += [{"name": n, "attributes": [{"name": v} for v in variables]} for n, variables in spec.finders.items()]
    # ASSUMPTION: a trimmed version of ADF's describe document; every stored attribute is queryable.
    return {
        "title": spec.name,
        "attributes": attributes,
        "collection": {"finders": finders, "actions": [{"name": "get", "method": "GET"}]},
        "item": {"actions": [{"name": "get", "method": "GET"}]},
        "children": {child.name: _resource(child) for child in spec.children},
    }


def describe(spec: ResourceSpec) -> dict[str, Any]:
    """The describe document of one top-level resource."""
    return {"Resources": {spec.name: _resource(spec)}}
