from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ml_connector.flows.plan_return import journal_reference


def test_versions_that_share_a_prefix_get_different_references() -> None:
    q1 = journal_reference("plan-return-infor", "Forecast Q1", "2026-12")
    q2 = journal_reference("plan-return-infor", "Forecast Q2", "2026-12")
    assert q1 != q2 and q1.startswith("MLC-FOR-") and q1.endswith("-2026-12")


@given(flow=st.text(min_size=1, max_size=40), version=st.text(max_size=40))
def test_reference_is_stable_and_short(flow: str, version: str) -> None:
    reference = journal_reference(flow, version, "2026-03")
    assert reference == journal_reference(flow, version, "2026-03")
    assert len(reference) <= 30 and reference.isascii()
