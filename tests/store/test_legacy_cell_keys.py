"""Lines loaded before a GL cell named its entity and currency keep their cells after the upgrade."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text

from ml_connector.engine.runs import RunLog
from ml_connector.engine.staging_area import StagedLine, StagingArea, to_micros
from ml_connector.store import Store, upgrade
from ml_connector.store.schema import downgrade

ROWS = [
    ("k1", "GL|4000|1100|Jan 26"),
    ("k2", "GL|A\\|B|1100|Jan 26"),  # a code with the separator, escaped
    ("k3", "SUP|V1|Jan 26"),
]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_three_part_gl_keys_become_five_part_keys(backend: str, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    store = Store(url)
    try:
        upgrade(store, "0002")
        with store.engine.begin() as conn:
            for key, target in ROWS:
                conn.execute(
                    text(
                        "INSERT INTO ledger_lines (flow, source_key, target_key, amount_micros, measure, "
                        "payload_hash, run_id, updated_at) VALUES ('f', :k, :t, 25000000, '', 'h', 'r', "
                        "CURRENT_TIMESTAMP)"
                    ),
                    {"k": key, "t": target},
                )
        upgrade(store)
        with store.engine.connect() as conn:
            found = dict(conn.execute(text("SELECT source_key, target_key FROM ledger_lines")).all())
            currencies = set(conn.execute(text("SELECT currency FROM ledger_lines")).scalars())
        assert found == {"k1": "GL||4000|1100|Jan 26|", "k2": "GL||A\\|B|1100|Jan 26|", "k3": "SUP|V1|Jan 26"}
        assert currencies == {""}
        # A new line in the same cell, as a flow without entity or currency columns keys it, adds up with it.
        staging = StagingArea(store, "f", RunLog(store).start("f"))  # a staged line is a record of a run
        staging.stage([StagedLine("k4", "GL||4000|1100|Jan 26|", to_micros(Decimal("5")), "", "h", "USD")])
        totals = [(t.target_key, t.amount) for t in staging.totals("GL|")]
        assert sorted(totals) == [("GL||4000|1100|Jan 26|", Decimal("5")), ("GL||4000|1100|Jan 26|", Decimal("25"))]
        staging.discard()
        downgrade(store, "0002")
        with store.engine.connect() as conn:
            back = dict(conn.execute(text("SELECT source_key, target_key FROM ledger_lines")).all())
        assert back == dict(ROWS)
    finally:
        store.dispose()
