"""A run id prefix is matched literally: `%` or `_` typed by a user are not wildcards."""

from __future__ import annotations

import pytest

from ml_connector.engine.runs import RunLog
from ml_connector.errors import ConfigurationError
from ml_connector.store import Store


@pytest.mark.parametrize("prefix", ["%", "________"])
def test_wildcards_do_not_pick_a_run(store: Store, prefix: str) -> None:
    runs = RunLog(store)
    run_id = runs.start("f")
    assert runs.get(run_id[:8]).id == run_id
    with pytest.raises(ConfigurationError):
        runs.get(prefix)
