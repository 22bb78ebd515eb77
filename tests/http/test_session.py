"""ApiSession against a scripted server over real HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import pytest
from fastapi import FastAPI, Request, Response

from ml_connector.emulators.common import EmulatorKit, RunningServer, start_in_thread
from ml_connector.errors import (
    ApiError,
    AuthenticationError,
    NotFoundError,
    RateLimitedError,
    UnavailableError,
)
from ml_connector.http import ApiSession, Redactor, RetryPolicy, TokenBucket


@dataclass
class Script:
    """What the server answers to `/thing`, one status per call, then 200."""

    statuses: list[int] = field(default_factory=list)
    tokens_seen: list[str] = field(default_factory=list)
    valid_token: str = "good-token-1"
    posts: int = 0


@pytest.fixture()
def server() -> Iterator[tuple[RunningServer, Script, EmulatorKit]]:
    script = Script()
    app = FastAPI()

    @app.api_route("/thing", methods=["GET", "POST"])
    def thing(request: Request) -> Response:
        token = request.headers.get("authorization", "")
        script.tokens_seen.append(token)
        if request.method == "POST":
            script.posts += 1
        if token and token != f"Bearer {script.valid_token}":
            return Response('{"error": "invalid_token"}', status_code=401)
        if script.statuses:
            status = script.statuses.pop(0)
            headers = {"Retry-After": "2"} if status == 429 else {}
            return Response(f'{{"status": {status}, "password": "s3cr3t-pw"}}', status_code=status, headers=headers)
        return Response('{"ok": true}', headers={"x-request-id": "req-1"})

    kit = EmulatorKit("scripted", on_reset=lambda: None, on_expire_tokens=lambda: None)
    running = start_in_thread(kit.install(app))
    yield running, script, kit
    running.stop()


class FakeAuth:
    def __init__(self, script: Script, next_token: str | None = None) -> None:
        self.script = script
        self.next_token = next_token
        self.current = "stale-token"
        self.logins = 0

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.current}"}

    def invalidate(self, headers_used: Mapping[str, str]) -> None:
        self.logins += 1
        self.current = self.next_token or self.script.valid_token


_open: list[ApiSession] = []


@pytest.fixture(autouse=True)
def _close_sessions() -> Iterator[None]:
    yield
    while _open:
        _open.pop().close()


def session(running: RunningServer, sleeps: list[float], **kwargs: object) -> ApiSession:
    made = ApiSession("Scripted", running.url, policy=RetryPolicy(attempts=4), sleep=sleeps.append, **kwargs)  # type: ignore[arg-type]
    _open.append(made)
    return made


def test_429_honours_retry_after_then_succeeds(server: tuple[RunningServer, Script, EmulatorKit]) -> None:
    running, script, _ = server
    script.statuses = [429, 429]
    sleeps: list[float] = []
    response = session(running, sleeps).request("GET", "/thing")
    assert response.json() == {"ok": True}
    assert sleeps == [2.0, 2.0]


def test_503_storm_gives_up_with_context_and_redacted_body(server: tuple[RunningServer, Script, EmulatorKit]) -> None:
    running, script, _ = server
    script.statuses = [503] * 10
    sleeps: list[float] = []
    with pytest.raises(UnavailableError) as info:
        session(running, sleeps).request("GET", "/thing", params={"client_secret": "abcdef"})
    assert len(sleeps) == 3
    ctx = info.value.context
    assert ctx is not None and ctx.status == 503 and ctx.method == "GET"
    assert "abcdef" not in str(info.value) and "s3cr3t-pw" not in str(info.value)


def test_post_is_not_repeated_on_503_unless_safe(server: tuple[RunningServer, Script, EmulatorKit]) -> None:
    running, script, _ = server
    script.statuses = [503, 503]
    sleeps: list[float] = []
    with pytest.raises(UnavailableError):
        session(running, sleeps).request("POST", "/thing")
    assert script.posts == 1
    script.statuses = [503]
    session(running, sleeps).request("POST", "/thing", safe_to_repeat=True)
    assert script.posts == 3


def test_429_on_post_is_always_repeated(server: tuple[RunningServer, Script, EmulatorKit]) -> None:
    running, script, _ = server
    script.statuses = [429]
    session(running, []).request("POST", "/thing")
    assert script.posts == 2


def test_401_reauthenticates_once(server: tuple[RunningServer, Script, EmulatorKit]) -> None:
    running, script, _ = server
    auth = FakeAuth(script)
    response = session(running, [], auth=auth).request("GET", "/thing")
    assert response.status_code == 200 and auth.logins == 1


def test_401_twice_is_an_authentication_error_not_a_loop(server: tuple[RunningServer, Script, EmulatorKit]) -> None:
    running, script, _ = server
    auth = FakeAuth(script, next_token="also-refused")
    with pytest.raises(AuthenticationError):
        session(running, [], auth=auth).request("GET", "/thing")
    assert auth.logins == 1 and len(script.tokens_seen) == 2


def test_status_mapping(server: tuple[RunningServer, Script, EmulatorKit]) -> None:
    running, script, _ = server
    script.statuses = [404]
    with pytest.raises(NotFoundError):
        session(running, []).request("GET", "/thing")
    script.statuses = [400]
    with pytest.raises(ApiError):
        session(running, []).request("GET", "/thing")
    script.statuses = [429] * 10
    with pytest.raises(RateLimitedError):
        session(running, []).request("GET", "/thing")


def test_dropped_connection_is_retried_for_get(server: tuple[RunningServer, Script, EmulatorKit]) -> None:
    running, _, kit = server
    kit.faults.configure(kit.faults.settings.model_copy(update={"next_drop": 2}))
    sleeps: list[float] = []
    assert session(running, sleeps).request("GET", "/thing").status_code == 200
    assert len(sleeps) == 2


def test_every_attempt_draws_from_the_budget(server: tuple[RunningServer, Script, EmulatorKit]) -> None:
    running, script, _ = server
    script.statuses = [429, 503]
    bucket = TokenBucket(600, burst=10)
    session(running, [], budget=bucket).request("GET", "/thing")
    assert bucket.try_acquire() == 0.0
    # 3 attempts + this probe = 4 of the 10 burst tokens taken
    remaining = sum(1 for _ in range(10) if bucket.try_acquire() == 0.0)
    assert remaining == 6


def test_secret_in_error_text_is_masked(server: tuple[RunningServer, Script, EmulatorKit]) -> None:
    running, script, _ = server
    redactor = Redactor()
    redactor.register("stale-token")
    auth = FakeAuth(script, next_token="also-refused")
    with pytest.raises(AuthenticationError) as info:
        session(running, [], auth=auth, redactor=redactor).request("GET", "/thing")
    assert "stale-token" not in str(info.value)


def test_waits_grow_from_the_first_retry_on(server: tuple[RunningServer, Script, EmulatorKit]) -> None:
    running, script, _ = server
    script.statuses = [503] * 10
    sleeps: list[float] = []
    policy = RetryPolicy(attempts=5, base=1.0, cap=100.0)
    made = ApiSession("Scripted", running.url, policy=policy, sleep=sleeps.append)
    with pytest.raises(UnavailableError):
        made.request("GET", "/thing")
    made.close()
    assert len(sleeps) == 4  # five attempts in all, the first one included
    for number, waited in enumerate(sleeps, start=1):  # full jitter under base * 2^(n-1)
        assert 2 ** (number - 1) / 2 <= waited <= 2 ** (number - 1), (number, sleeps)


def test_one_attempt_means_no_retry(server: tuple[RunningServer, Script, EmulatorKit]) -> None:
    running, script, _ = server
    script.statuses = [503, 503]
    sleeps: list[float] = []
    made = ApiSession("Scripted", running.url, policy=RetryPolicy(attempts=1), sleep=sleeps.append)
    with pytest.raises(UnavailableError):
        made.request("GET", "/thing")
    made.close()
    assert sleeps == [] and script.statuses == [503]


def test_the_deadline_bounds_the_whole_call(server: tuple[RunningServer, Script, EmulatorKit]) -> None:
    running, script, _ = server
    script.statuses = [503] * 20
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        time.sleep(seconds)

    policy = RetryPolicy(attempts=20, base=0.2, cap=0.2, deadline=0.3)
    made = ApiSession("Scripted", running.url, policy=policy, sleep=sleep)
    with pytest.raises(UnavailableError):
        made.request("GET", "/thing")
    made.close()
    # Each wait is at least 0.1 s, so after three of them the 0.3 s are spent whatever the machine's speed.
    assert len(sleeps) <= 3
