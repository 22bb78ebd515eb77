from __future__ import annotations

import threading

from ml_connector.http import CachedToken, TokenKeeper


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_token_is_kept_and_renewed_before_expiry() -> None:
    clock = Clock()
    issued: list[str] = []

    def fetch() -> CachedToken:
        issued.append(f"t{len(issued)}")
        return CachedToken(issued[-1], clock.now + 2100)

    def renew(old: CachedToken) -> CachedToken:
        return CachedToken(old.value, clock.now + 2100)

    keeper = TokenKeeper(fetch, renew, margin=300, clock=clock)
    assert keeper.get().value == "t0"
    clock.now += 1700
    assert keeper.get().value == "t0" and keeper.renewals == 0
    clock.now += 150  # inside the 300 s margin: renewed, not re-fetched
    assert keeper.get().value == "t0" and keeper.renewals == 1 and keeper.fetches == 1
    clock.now += 5000  # past expiry: a new login
    assert keeper.get().value == "t1" and keeper.fetches == 2


def test_invalidate_drops_only_the_rejected_token() -> None:
    clock = Clock()
    n = [0]

    def fetch() -> CachedToken:
        n[0] += 1
        return CachedToken(f"t{n[0]}", clock.now + 3600)

    keeper = TokenKeeper(fetch, clock=clock)
    first = keeper.get()
    keeper.invalidate("someone-elses")
    assert keeper.get() is first
    keeper.invalidate(first.value)
    assert keeper.get().value == "t2"


def test_threads_share_one_login() -> None:
    calls = [0]
    lock = threading.Lock()

    def fetch() -> CachedToken:
        with lock:
            calls[0] += 1
        return CachedToken.lasting("shared", 3600)

    keeper = TokenKeeper(fetch)
    threads = [threading.Thread(target=keeper.get) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls[0] == 1
    assert "shared" not in repr(keeper.get())
