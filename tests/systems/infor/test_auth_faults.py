from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from ml_connector.errors import AuthenticationError, RateLimitedError
from ml_connector.records import LedgerLine
from ml_connector.systems.infor import InforClient, InforSettings, IonApiCredentials
from tests.systems.infor.conftest import Emulator
from tests.systems.infor.test_ionapi import GOOD

PRODUCTS = ("m3", "csi", "fsm")


@pytest.mark.parametrize("product", PRODUCTS)
def test_token_is_kept_across_many_calls(emulator: Emulator, product: str) -> None:
    client = emulator.client(product)
    before = emulator.stats()["auth_calls"]
    for _ in range(5):
        list(client.accounts())
    client.ping()
    assert client.auth.logins == 1 and client.auth.refreshes == 0
    assert emulator.stats()["auth_calls"] - before == 1


@pytest.mark.parametrize("product", PRODUCTS)
def test_expired_token_mid_run_uses_the_refresh_token(emulator: Emulator, product: str) -> None:
    client = emulator.client(product, page_size=50)
    lines = client.ledger_lines()
    first = [next(lines) for _ in range(60)]  # past the first page
    emulator.post("expire-tokens")
    rest = list(lines)
    keys = [x.source_key for x in first + rest]
    assert len(keys) == len(set(keys)) and len(keys) > 200
    assert client.auth.logins == 1 and client.auth.refreshes == 1


def test_token_renewed_before_it_runs_out(emulator: Emulator) -> None:
    emulator.put("auth", {"access_ttl": 2})
    client = emulator.client("fsm")
    client.ping()
    time.sleep(1.7)  # inside the renewal margin (20 % of 2 s), before expiry
    client.ping()
    assert client.auth.logins == 1 and client.auth.refreshes == 1


def test_without_refresh_tokens_a_401_logs_in_once(emulator: Emulator) -> None:
    emulator.put("auth", {"issue_refresh_tokens": False})
    client = emulator.client("csi")
    client.ping()
    emulator.post("expire-tokens")
    client.ping()
    list(client.accounts())
    assert client.auth.logins == 2 and client.auth.refreshes == 0


def test_login_limit_is_not_hit_by_a_long_run(emulator: Emulator) -> None:
    emulator.put("auth", {"logins_per_minute": 1})
    client = emulator.client("m3")
    for _ in range(3):
        client.ping()
        emulator.post("expire-tokens")
    client.ping()
    assert client.auth.logins == 1


def test_login_limit_reached_is_a_clear_rate_limit(emulator: Emulator) -> None:
    emulator.put("auth", {"logins_per_minute": 1})
    emulator.client("m3").ping()
    with pytest.raises(RateLimitedError) as info:
        emulator.client("m3").ping()
    assert "rate limiting" in str(info.value)


def test_wrong_credentials_are_an_authentication_error(emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    data = IonApiCredentials.from_file(emulator.ionapi).to_vault() | {"sask": "a-wrong-service-secret"}
    settings = emulator.settings("m3").model_copy(update={"credentials": IonApiCredentials.from_vault(data)})
    client = InforClient(settings)
    emulator.clients.append(client)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthenticationError) as info:
        client.ping()
    text = str(info.value) + caplog.text
    for secret in ("a-wrong-service-secret", data["cs"], data["saak"]):
        assert secret not in text


@pytest.mark.parametrize("product", PRODUCTS)
def test_429_storm_and_5xx_still_read_everything(emulator: Emulator, product: str) -> None:
    clean = [x.source_key for x in emulator.client(product).ledger_lines()]
    emulator.put("faults", {"rate_429": 0.3, "rate_5xx": 0.1, "retry_after_seconds": 0, "seed": 7})
    stormy = emulator.client(product, page_size=100)
    keys = [x.source_key for x in stormy.ledger_lines()]
    assert sorted(keys) == sorted(clean)
    assert emulator.stats()["requests"]


def test_gateway_504_on_reads_is_retried(emulator: Emulator) -> None:
    emulator.put("faults", {"next_5xx": 2, "status_5xx": 504})
    assert len(list(emulator.client("csi").accounts())) == 14


def test_no_secret_in_logs(emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = emulator.client("m3")
    list(client.accounts())
    emulator.post("expire-tokens")
    list(client.suppliers())
    token = client.auth.token().value
    data = IonApiCredentials.from_file(emulator.ionapi).to_vault()
    for secret in (token, data["cs"], data["sask"], data["saak"]):
        assert secret not in caplog.text


def test_production_urls_are_required_unless_allowed() -> None:
    creds = IonApiCredentials.from_dict(GOOD)
    assert InforSettings(credentials=creds, product="fsm").tenant_key == "infor:ACME_PRD"


def test_lines_are_ledger_lines(emulator: Emulator) -> None:
    assert any(isinstance(x, LedgerLine) for x in emulator.client("fsm").ledger_lines())


def test_threads_share_one_token(emulator: Emulator) -> None:
    client = emulator.client("csi")
    with ThreadPoolExecutor(4) as pool:
        counts = list(pool.map(lambda _: len(list(client.accounts())), range(8)))
    assert counts == [14] * 8
    assert client.auth.logins == 1


def test_slow_target_504_is_retried(emulator: Emulator) -> None:
    client = emulator.client("fsm")
    client.ping()
    emulator.put("gateway", {"target_delay_seconds": 1.5, "target_delay_count": 1, "path_contains": "Vendor"})
    assert len(list(client.suppliers())) == 12
    statuses = {
        status for path, counts in emulator.stats()["requests"].items() if "Vendor" in path for status in counts
    }
    assert {"504", "200"} <= statuses
