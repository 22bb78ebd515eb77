"""Anaplan id formats, checked before any call so a wrong id fails with a clear message, not a 404.

Workspaces: 32 hex (lowercase on live Anaplan); models: 32 hex (uppercase); lists, imports, files,
exports, processes, actions: 12-digit strings with a type prefix (101, 112, 113, 116, 117, 118).
"""

from __future__ import annotations

import re

from ml_connector.errors import ConfigurationError

HEX32 = re.compile(r"^[0-9a-fA-F]{32}$")
OBJECT_ID = re.compile(r"^\d{12}$")
PREFIXES = {
    "list": "101",
    "module": "102",
    "import": "112",
    "file": "113",
    "export": "116",
    "action": "117",
    "process": "118",
}


def looks_like_hex_id(value: str) -> bool:
    """True when `value` has the shape of a workspace or model id (and is therefore not a name)."""
    return bool(HEX32.match(value))


def looks_like_object_id(value: str) -> bool:
    """True for a 12-digit string: an object id, whatever its type prefix."""
    return bool(OBJECT_ID.match(value))


def check_hex_id(kind: str, value: str) -> str:
    """`value` if it is a valid workspace/model id, else a `ConfigurationError` naming the format."""
    if not HEX32.match(value):
        raise ConfigurationError(
            f"{value!r} is not a valid Anaplan {kind} id: expected 32 hexadecimal characters",
            hint=f"Use the {kind}'s name, or copy its id from `ml-connector discover`.",
        )
    return value


def check_object_id(kind: str, value: str) -> str:
    """`value` if it is a 12-digit id with the prefix of `kind` (e.g. imports 112…), else an error."""
    prefix = PREFIXES[kind]
    if not OBJECT_ID.match(value) or not value.startswith(prefix):
        raise ConfigurationError(
            f"{value!r} is not a valid Anaplan {kind} id: expected 12 digits starting with {prefix}",
            hint=f"Use the {kind}'s name, or copy its id from `ml-connector discover`.",
        )
    return value
