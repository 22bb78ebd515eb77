from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from ml_connector.errors import AuthenticationError, RateLimitedError
from ml_connector.systems.oracle import OracleClient

from .conftest import CLIENT_SECRET, PASSWORD


def _stats(admin: httpx.Client) -> dict[str, object]:
    return dict(admin.get("/_emulator/stats").json())


def test_token_is_kept_across_calls(admin: httpx.Client, oracle: OracleClient) -> None:
    oracle.ping()
    list(oracle.suppliers())
    list(oracle.cost_centers())
    assert _stats(admin)["auth_calls"] == 1


# One 401 and one new token for it, never a loop; with GETs four at a time, each one under way with the
# dead token is refused once (two stages of four at most), and they share one new token.
@pytest.mark.parametrize(("parallel", "most_refused"), [(1, 1), (4, 8)])
def test_token_expiry_mid_run_reauthenticates_once(
    admin: httpx.Client, make_client: Callable[..., OracleClient], parallel: int, most_refused: int
) -> None:
    stream = make_client(read_parallel=parallel).ledger_lines()
    first = next(stream)
    admin.post("/_emulator/expire-tokens").raise_for_status()
    rest = list(stream)
    assert first.source_key not in {r.source_key for r in rest}
    assert len(rest) > 100
    stats = _stats(admin)
    refused = sum(int(codes.get("401", 0)) for codes in dict(stats["requests"]).values())  # type: ignore[arg-type]
    # (A slow machine may also renew the 3 s token early.)
    assert 1 <= refused <= most_refused and 2 <= int(stats["auth_calls"]) <= 3  # type: ignore[call-overload]


def test_token_is_refreshed_before_expires_in(admin: httpx.Client, oracle: OracleClient) -> None:
    oracle.ping()
    time.sleep(2.6)  # the emulator's tokens live 3 s; the keeper renews in the last 20 %
    oracle.ping()
    stats = _stats(admin)
    assert stats["auth_calls"] == 2
    assert all("401" not in codes for codes in dict(stats["requests"]).values())  # type: ignore[arg-type]


def test_429_storm_is_ridden_out(admin: httpx.Client, oracle: OracleClient) -> None:
    admin.put("/_emulator/faults", json={"next_429": 4, "retry_after_seconds": 0}).raise_for_status()
    assert len(list(oracle.suppliers())) == 12


def test_429_without_retry_after_and_503_storm(admin: httpx.Client, oracle: OracleClient) -> None:
    admin.put("/_emulator/faults", json={"rate_429_no_retry_after": 0.15, "rate_5xx": 0.1, "seed": 7})
    lines = list(oracle.ledger_lines())
    admin.put("/_emulator/faults", json={}).raise_for_status()
    codes = [code for by_code in dict(_stats(admin)["requests"]).values() for code in by_code]  # type: ignore[arg-type]
    assert "429" in codes and "503" in codes
    assert len(lines) == len(list(oracle.ledger_lines()))


def test_endless_429_gives_up_with_a_typed_error(admin: httpx.Client, oracle: OracleClient) -> None:
    admin.put("/_emulator/faults", json={"rate_429": 1.0, "retry_after_seconds": 0}).raise_for_status()
    with pytest.raises(RateLimitedError):
        oracle.ping()


def test_dropped_connections_on_reads_are_retried(admin: httpx.Client, oracle: OracleClient) -> None:
    admin.put("/_emulator/faults", json={"next_drop": 2, "path_contains": "suppliers"}).raise_for_status()
    assert len(list(oracle.suppliers())) == 12


def test_basic_auth_works_and_wrong_password_is_an_auth_error(make_client: Callable[..., OracleClient]) -> None:
    ok = make_client(auth="basic", user="ACME.INTEGRATION", password=PASSWORD)
    assert "Acme EU Ledger" in ok.ping()
    bad = make_client(auth="basic", user="ACME.INTEGRATION", password="wrong-password-1")
    with pytest.raises(AuthenticationError) as err:
        bad.ping()
    assert "wrong-password-1" not in str(err.value)


def test_wrong_client_secret_is_an_auth_error_without_the_secret(
    make_client: Callable[..., OracleClient], caplog: pytest.LogCaptureFixture
) -> None:
    bad = make_client(client_secret="not-the-secret-xyz")
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthenticationError) as err:
        bad.ping()
    assert "not-the-secret-xyz" not in str(err.value) + caplog.text


def test_no_secret_in_logs_or_errors(
    admin: httpx.Client, make_client: Callable[..., OracleClient], caplog: pytest.LogCaptureFixture
) -> None:
    oracle = make_client()
    with caplog.at_level(logging.DEBUG):
        oracle.ping()
        token = oracle.auth.auth_headers()["Authorization"].removeprefix("Bearer ")
        admin.put("/_emulator/access", json={"suppliers": "forbidden"}).raise_for_status()
        with pytest.raises(AuthenticationError) as err:
            list(oracle.suppliers())
    text = caplog.text + str(err.value) + repr(oracle.settings)
    for secret in (CLIENT_SECRET, token, PASSWORD):
        assert secret not in text


def test_threads_share_one_token(admin: httpx.Client, oracle: OracleClient) -> None:
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: oracle.ping(), range(12)))
    assert len(set(answers)) == 1
    assert _stats(admin)["auth_calls"] == 1
