"""building settings with a mistake must not echo the password in the validation error."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ml_connector.systems.anaplan import AnaplanSettings


@pytest.mark.parametrize("overrides", [{"api_url": "ftp://api.anaplan.com/2/0"}, {"chunk_size_mb": 0}])
def test_constructor_error_does_not_echo_the_password(overrides: dict[str, object]) -> None:
    # The password last: pydantic shortens a long input in the middle, so the ends are what it shows.
    values: dict[str, object] = {"auth": "basic", "user": "me@acme.com", **overrides, "password": "hunter2-anaplan-pw"}
    with pytest.raises(ValidationError) as info:
        AnaplanSettings(**values)  # type: ignore[arg-type]
    assert "hunter2" not in str(info.value)
