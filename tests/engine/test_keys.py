"""Typed keys: any text round-trips, different keys never share an encoding, a kind keeps its prefix,
and keys without a separator or backslash are written exactly as they were before escaping."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ml_connector.engine.keys import CellKey, CellKind, GapKey
from ml_connector.engine.runs import RunLog
from ml_connector.engine.staging_area import StagedLine, StagingArea
from ml_connector.store import Store

# Any text, often made of the characters that matter (separators, the escape, a look-alike, unicode).
TRICKY = st.sampled_from(["|", ":", "\\", "/", "a", " ", "é", "ß", "\x00", "%", "_"])
TEXT = st.text(TRICKY, max_size=6) | st.text(max_size=12)


@st.composite
def cell_keys(draw: st.DrawFn) -> CellKey:
    kind = draw(st.sampled_from(list(CellKind)))
    return CellKey(kind, tuple(draw(TEXT) for _ in kind.dimensions))


GAPS = st.builds(GapKey, TEXT, TEXT)


def gl(**parts: str) -> CellKey:
    """A GL cell of account 4000, cost center 1100, Jan 26, no entity or currency; `parts` override."""
    named = {"entity": "", "account": "4000", "cost_center": "1100", "period": "Jan 26", "currency": ""}
    return CellKey.of(CellKind.GL, **(named | parts))


@given(key=cell_keys())
def test_cell_key_round_trips(key: CellKey) -> None:
    text = key.encode()
    assert CellKey.parse(text) == key
    assert CellKey.parse(text, key.kind) == key


@given(gap=GAPS)
def test_gap_key_round_trips(gap: GapKey) -> None:
    assert GapKey.parse(gap.encode()) == gap
    assert GapKey.is_gap(gap.encode())


@given(a=cell_keys(), b=cell_keys())
def test_different_cell_keys_never_share_an_encoding(a: CellKey, b: CellKey) -> None:
    assume(a != b)
    assert a.encode() != b.encode()


@given(a=GAPS, b=GAPS)
def test_different_gaps_never_share_an_encoding(a: GapKey, b: GapKey) -> None:
    assume(a != b)
    assert a.encode() != b.encode()


@given(key=cell_keys())
def test_a_kind_keeps_its_prefix_and_no_other(key: CellKey) -> None:
    text = key.encode()
    assert text.startswith(key.kind.prefix)
    assert [k for k in CellKind if text.startswith(k.prefix)] == [key.kind]
    assert not GapKey.is_gap(text)


@given(keys=st.lists(cell_keys(), max_size=20))
def test_sorted_keys_keep_each_kind_together(keys: list[CellKey]) -> None:
    kinds = [CellKey.parse(text).kind for text in sorted(k.encode() for k in keys)]
    runs = [kind for i, kind in enumerate(kinds) if i == 0 or kinds[i - 1] is not kind]
    assert len(runs) == len(set(runs))


def test_codes_with_separators_are_no_longer_merged() -> None:
    """Before, `A|B` was written `A/B`: its amounts went into the cell of another code."""
    piped = gl(account="A|B")
    slashed = gl(account="A/B")
    assert piped.encode() != slashed.encode()
    assert CellKey.parse(piped.encode())["account"] == "A|B"
    shifted = gl(account="A", cost_center="B|1100")
    assert shifted.encode() != piped.encode()


def test_plain_keys_are_written_as_they_always_were() -> None:
    cell = gl(entity="US1", currency="USD")
    assert cell.encode() == "GL|US1|4000|1100|Jan 26|USD"
    assert CellKey.of(CellKind.SUPPLIER, supplier="V100", period="Jan 26").encode() == "SUP|V100|Jan 26"
    assert CellKey.of(CellKind.ACCOUNT_LIST, code="4000").encode() == "account|4000"
    assert CellKey.of(CellKind.COST_CENTER_LIST, code="1100").encode() == "cost_center|1100"
    assert CellKey.of(CellKind.SUPPLIER_LIST, code="V1").encode() == "supplier|V1"
    assert GapKey("account", "9999").encode() == "unmapped:account:9999"
    assert CellKey.parse("GL|US1|4000|1100|Jan 26|USD") == cell
    assert cell.named() == {
        "entity": "US1",
        "account": "4000",
        "cost_center": "1100",
        "period": "Jan 26",
        "currency": "USD",
    }


def test_gl_keys_stored_before_entity_and_currency_read_with_both_empty() -> None:
    old = CellKey.parse("GL|4000|1100|Jan 26", CellKind.GL)
    assert old == gl() and old.encode() == "GL||4000|1100|Jan 26|"
    assert CellKey.parse("GL|A\\|B|1100|Jan 26")["account"] == "A|B"


def test_stored_gap_with_a_colon_in_its_code_still_reads() -> None:
    assert GapKey.parse("unmapped:cost_center:A:B") == GapKey("cost_center", "A:B")


def test_parts_are_named_and_checked() -> None:
    key = CellKey.of(CellKind.SUPPLIER, period="Feb 26", supplier="V1")
    assert key.parts == ("V1", "Feb 26") and key["supplier"] == "V1"
    with pytest.raises(KeyError):
        key["account"]
    with pytest.raises(ValueError, match="parts"):
        CellKey.of(CellKind.GL, account="4000", period="Jan 26")
    with pytest.raises(ValueError, match="parts"):
        CellKey.parse("GL|4000|Jan 26")
    with pytest.raises(ValueError, match="not GL"):
        CellKey.parse("SUP|V1|Jan 26", CellKind.GL)
    with pytest.raises(ValueError, match="tagged"):
        CellKey.parse("XX|1")
    with pytest.raises(ValueError):
        CellKey.parse("no separator")
    with pytest.raises(ValueError):
        GapKey.parse("GL|4000|1100|Jan 26")
    with pytest.raises(ValueError):
        GapKey.parse("unmapped:account")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keys=st.lists(cell_keys(), min_size=1, max_size=12, unique=True))
def test_the_store_selects_a_kind_by_its_prefix(store: Store, keys: list[CellKey]) -> None:
    """Through the database and back: totals by prefix hold exactly the keys of that kind, intact."""
    flow = uuid.uuid4().hex
    ledger = StagingArea(store, flow, RunLog(store).start(flow))  # a staged line is a record of a run
    ledger.stage([StagedLine(f"k{i}", key.encode(), 1_000_000, "", "h") for i, key in enumerate(keys)])
    for kind in (CellKind.GL, CellKind.SUPPLIER):
        found = [CellKey.parse(t.target_key) for t in ledger.totals(kind.prefix)]
        assert sorted(found, key=CellKey.encode) == sorted((k for k in keys if k.kind is kind), key=CellKey.encode)
    ledger.discard()
