"""building settings with a mistake must not echo the password in the validation error."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ml_connector.systems.oracle import OracleSettings


@pytest.mark.parametrize(
    "overrides",
    [
        {"pod_url": "http://acme.fa.em2.oraclecloud.com"},  # a cross-field problem
        {"requests_per_minute": 0},  # a field problem
    ],
)
def test_constructor_error_does_not_echo_the_password(overrides: dict[str, object]) -> None:
    values: dict[str, object] = {
        "pod_url": "https://acme.fa.em2.oraclecloud.com",
        "auth": "basic",
        "user": "INTEGRATION",
        "password": "hunter2-oracle-pw",
        **overrides,
    }
    with pytest.raises(ValidationError) as info:
        OracleSettings(**values)  # type: ignore[arg-type]
    assert "hunter2" not in str(info.value)
