"""a JSON secret field whose value holds an escaped quote is masked whole."""

from __future__ import annotations

import json

import pytest

from ml_connector.http import Redactor, mask_fields


@pytest.mark.parametrize("value", ['pa"ss-tail-secret', "back\\slash-tail-secret", 'two""quotes-tail-secret'])
def test_escaped_characters_do_not_end_the_masked_value(value: str) -> None:
    text = json.dumps({"password": value, "status": 400})
    for masked in (mask_fields(text), Redactor().redact(text)):
        assert "tail-secret" not in masked
        assert '"status": 400' in masked
