from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import httpx
import pytest

from ml_connector.errors import ConfigurationError, UnavailableError
from ml_connector.records import JournalDraft, JournalLineDraft
from ml_connector.systems.oracle import JournalImportError, OracleClient
from ml_connector.systems.oracle.posting import check_reference, group_id


def _draft(reference: str, *, account: str = "6200", balanced: bool = True) -> JournalDraft:
    credit = Decimal("-1200.00") if balanced else Decimal("-1.00")
    return JournalDraft(
        reference=reference,
        ledger="Acme EU Ledger",
        period="2026-12",
        accounting_date=date(2026, 12, 31),
        currency="EUR",
        description="FY27 plan return",
        lines=(
            JournalLineDraft(account, "3100", Decimal("1200.00"), "plan"),
            JournalLineDraft("2000", "3900", credit, "offset"),
        ),
    )


def test_post_journal_imports_then_finds_it(admin: httpx.Client, oracle: OracleClient) -> None:
    assert oracle.find_journal("PLAN-T1") is None
    result = oracle.post_journal(_draft("PLAN-T1"))
    assert result.created and result.reference == "PLAN-T1"
    assert oracle.find_journal("PLAN-T1") == result.document_id
    posted = admin.get("/_emulator/journals").json()
    assert len(posted) == 1 and str(posted[0]["JeBatchId"]) == result.document_id


def test_posting_twice_never_creates_a_second_journal(admin: httpx.Client, oracle: OracleClient) -> None:
    first = oracle.post_journal(_draft("PLAN-T2"))
    again = oracle.post_journal(_draft("PLAN-T2"))
    assert (again.created, again.document_id) == (False, first.document_id)
    assert len(admin.get("/_emulator/journals").json()) == 1


def test_a_lost_import_answer_is_looked_up_not_reposted(admin: httpx.Client, oracle: OracleClient) -> None:
    admin.put("/_emulator/faults", json={"next_lost_response": 1, "path_contains": "erpintegrations"})
    result = oracle.post_journal(_draft("PLAN-T3"))
    assert result.created
    assert len(admin.get("/_emulator/journals").json()) == 1
    assert len(admin.get("/_emulator/jobs").json()) == 1


def test_a_rejected_import_raises_with_the_job_log(admin: httpx.Client, oracle: OracleClient) -> None:
    with pytest.raises(JournalImportError, match="unbalanced|WU01"):
        oracle.post_journal(_draft("PLAN-T4", balanced=False))
    assert admin.get("/_emulator/journals").json() == []


def test_missing_segment_values_are_a_configuration_error(make_client: Callable[..., OracleClient]) -> None:
    oracle = make_client(fixed_segments={})
    with pytest.raises(ConfigurationError, match="segment"):
        oracle.post_journal(_draft("PLAN-T5"))


@pytest.mark.parametrize("reference", ["", "has space", "quote'd", "%wild"])
def test_unsafe_references_are_refused(reference: str) -> None:
    with pytest.raises(ConfigurationError):
        check_reference(reference)


def test_group_id_is_deterministic() -> None:
    assert group_id("PLAN-1") == group_id("PLAN-1") != group_id("PLAN-2")
    assert group_id("PLAN-1").isdigit()


def test_a_refused_import_is_not_retried_blindly_and_a_later_post_succeeds(
    admin: httpx.Client, oracle: OracleClient
) -> None:
    admin.put("/_emulator/faults", json={"next_5xx": 1, "status_5xx": 503, "path_contains": "erpintegrations"})
    with pytest.raises(UnavailableError):
        oracle.post_journal(_draft("PLAN-T6"))
    assert admin.get("/_emulator/jobs").json() == []
    assert oracle.post_journal(_draft("PLAN-T6")).created
    assert len(admin.get("/_emulator/journals").json()) == 1
