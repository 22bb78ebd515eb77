from __future__ import annotations

import pytest

from ml_connector.errors import ApiError, ConfigurationError, NotFoundError
from ml_connector.http import Redactor
from ml_connector.systems.infor.errors import M3TransactionError, m3_error, m3_failed
from tests.systems.infor.conftest import Emulator


def test_m3_request_level_error_names_code_and_field(emulator: Emulator) -> None:
    client = emulator.client("m3", company="999")
    with pytest.raises(M3TransactionError) as info:
        client.line.call("CRS630MI", "LstAccountID", {"AITP": "1"})  # type: ignore[attr-defined]
    assert info.value.code == "XAU0008" and info.value.field == "CONO"
    assert "company 999" in str(info.value)
    # At ping, a company M3 refuses is the configuration's fault, and says so.
    with pytest.raises(ConfigurationError, match="M3 has no company 999"):
        client.ping()


def test_m3_transaction_error_in_results(emulator: Emulator) -> None:
    client = emulator.client("m3")
    with pytest.raises(M3TransactionError) as info:
        client.line.call("CRS620MI", "GetBasicData", {"SUNO": "NOPE"})  # type: ignore[attr-defined]
    assert info.value.code == "WSU0103"


def test_csi_unknown_configuration_is_not_found(emulator: Emulator) -> None:
    client = emulator.client("csi", mongoose_config="ACME_TST_XX9", csi_site="")
    with pytest.raises(NotFoundError, match="Configuration"):
        list(client.line.load("SLCharts", cap=1))  # type: ignore[attr-defined]
    # At ping (and before a run reads), the configuration's fault is named with what exists.
    with pytest.raises(ConfigurationError, match="no Mongoose configuration 'ACME_TST_XX9'.*ACME_TST_US1"):
        client.ping()


def test_csi_unknown_site_is_a_configuration_error_before_reading(emulator: Emulator) -> None:
    client = emulator.client("csi", mongoose_config="ACME_TST", csi_site="US9")
    with pytest.raises(
        ConfigurationError, match=r"CSI has no site 'US9' \(sites with a configuration: MX1, US1, US2\)"
    ):
        client.ping()
    with pytest.raises(ConfigurationError, match="no site 'US9'"):
        next(iter(client.ledger_lines()))
    assert emulator.client("csi", mongoose_config="ACME_TST", csi_site="US2").ping().startswith("Infor CSI")


def test_fsm_unknown_class_is_an_api_error(emulator: Emulator) -> None:
    client = emulator.client("fsm")
    with pytest.raises(ApiError):
        list(client.line.list("NoSuchClass"))  # type: ignore[attr-defined]


def test_refused_refresh_token_falls_back_to_one_login(emulator: Emulator) -> None:
    emulator.put("auth", {"refresh_ttl": 0})
    client = emulator.client("fsm")
    client.ping()
    emulator.post("expire-tokens")
    client.ping()
    assert client.auth.logins == 2 and client.auth.refreshes == 0


@pytest.mark.parametrize(
    ("body", "failed"),
    [
        ({"results": [{"records": []}], "wasTerminated": False, "nrOfFailedTransactions": 0}, False),
        ({"results": [{"errorMessage": "x"}], "nrOfFailedTransactions": 1}, True),
        ({"wasTerminated": True}, True),
        ({"errorMessage": "top"}, True),
        ([], True),
    ],
)
def test_m3_failure_detection(body: object, failed: bool) -> None:
    assert m3_failed(body) is failed


def test_m3_error_prefers_the_failed_result() -> None:
    body = {"results": [{"transaction": "T"}, {"errorMessage": "Bad", "errorCode": "C1", "errorField": "F"}]}
    error = m3_error("PGM", "T", body, None, Redactor())
    assert (error.code, error.field) == ("C1", "F") and "Bad" in str(error)
