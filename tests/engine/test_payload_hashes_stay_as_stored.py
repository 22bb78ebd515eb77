"""A line's payload hash is how a later run knows it is unchanged: the hash of a payload must never
change between versions, or every loaded line would be sent again as changed."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ml_connector.engine.audit import AuditEntry, canonical_json, payload_hash
from ml_connector.engine.states import RecordState

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.dates(),
)
PAYLOADS = st.dictionaries(
    st.text(),
    st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3)),
    max_size=8,
)


@given(PAYLOADS)
def test_canonical_json_is_sorted_compact_json_with_other_values_as_text(payload: dict[str, Any]) -> None:
    assert canonical_json(payload) == json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)


def test_a_line_payload_hashes_as_it_always_has() -> None:
    payload = {
        "source": "oracle",
        "source_key": "oracle:gl:300000046975971:2",
        "amount": "1250.00",
        "posted_on": date(2026, 1, 31),
        "rate": Decimal("1.0842"),
        "description": "Fret März",
        "supplier": None,
    }
    text = canonical_json(payload)
    assert text == (
        '{"amount":"1250.00","description":"Fret M\\u00e4rz","posted_on":"2026-01-31","rate":"1.0842",'
        '"source":"oracle","source_key":"oracle:gl:300000046975971:2","supplier":null}'
    )
    assert payload_hash(text) == AuditEntry("oracle", "k", "gl", payload, RecordState.STAGED).hash
    assert payload_hash(text) == "651cb776f1ac1225038bdc1f351572b152da74a31a90212611c0f508770096aa"
