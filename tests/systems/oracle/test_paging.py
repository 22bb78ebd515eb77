from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml_connector.systems.oracle import OracleClient, OracleSettings, PageCursor, PagingError
from ml_connector.systems.oracle.paging import local_link

from .conftest import FAST_RETRY


def _page(count: int, limit: int, has_more: bool) -> dict[str, Any]:
    return {"count": count, "limit": limit, "hasMore": has_more}


@pytest.mark.parametrize(
    ("requested", "count", "echoed", "has_more", "done"),
    [
        (25, 25, 25, True, False),
        (25, 10, 25, False, True),
        (25, 10, 25, True, True),  # hasMore true on a short last page: stop
        (25, 25, 25, False, False),  # hasMore false on a full page: keep going
        (500, 499, 499, True, False),  # silently capped at 499: the echoed limit rules
        (25, 0, 25, True, True),  # an empty page always stops
    ],
)
def test_page_decisions(requested: int, count: int, echoed: int, has_more: bool, done: bool) -> None:
    cursor = PageCursor(limit=requested)
    cursor.advance(_page(count, echoed, has_more), tuple(str(i) for i in range(count)))
    assert cursor.done is done
    assert cursor.offset == count


def test_a_repeated_page_is_an_error_not_a_loop() -> None:
    cursor = PageCursor(limit=2)
    cursor.advance(_page(2, 2, True), ("a", "b"))
    with pytest.raises(PagingError, match="same page twice"):
        cursor.advance(_page(2, 2, True), ("a", "b"))


@given(
    total=st.integers(0, 60),
    limit=st.integers(1, 30),
    cap=st.integers(1, 30),
    quirk=st.sampled_from(["normal", "true_on_last_page", "false_when_full"]),
)
def test_simulated_server_every_row_once(total: int, limit: int, cap: int, quirk: str) -> None:
    rows = [f"r{i}" for i in range(total)]
    cursor, seen = PageCursor(limit=limit), []
    while not cursor.done:
        used = min(cursor.limit, cap)
        page = rows[cursor.offset : cursor.offset + used]
        more = cursor.offset + len(page) < total
        if quirk == "true_on_last_page" and page and not more:
            more = True
        if quirk == "false_when_full" and more and len(page) == used:
            more = False
        cursor.advance(_page(len(page), used, more), tuple(page))
        seen.extend(page)
        assert cursor.pages <= total + 2
    assert seen == rows


@pytest.mark.parametrize("mode", ["normal", "true_on_last_page", "false_when_full"])
def test_emulator_cap_and_has_more_quirks(
    mode: str, admin: httpx.Client, make_client: Callable[..., OracleClient]
) -> None:
    oracle = make_client(page_size=25)
    expected = [s.number for s in oracle.suppliers()]
    assert len(expected) == 12
    admin.put("/_emulator/paging", json={"has_more": mode, "limit_cap": 5}).raise_for_status()
    assert [s.number for s in oracle.suppliers()] == expected
    admin.put("/_emulator/paging", json={"has_more": mode, "limit_cap": 4}).raise_for_status()
    assert [s.number for s in oracle.suppliers()] == expected  # 12 = 3 full pages, then an empty one
    admin.put("/_emulator/paging", json={}).raise_for_status()


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        (
            "https://pod/fscmRestApi/resources/11.13.18.05/a/child/b",
            "https://pod/fscmRestApi/resources/11.13.18.05/a/child/b",
        ),
        ("https://evil.example/fscmRestApi/resources/11.13.18.05/a/child/b", "a/child/b"),
    ],
)
def test_links_never_send_credentials_to_another_host(href: str, expected: str) -> None:
    assert local_link(href, "https://pod/fscmRestApi/resources/11.13.18.05") == expected


def test_a_server_that_ignores_offset_fails_loudly_instead_of_looping() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        items = [{"SupplierId": 1, "SupplierNumber": "1"}, {"SupplierId": 2, "SupplierNumber": "2"}]
        return httpx.Response(200, json={"items": items, "count": 2, "hasMore": True, "limit": 2, "offset": 0})

    settings = OracleSettings.parse(
        {
            "pod_url": "https://acme.fa.em2.oraclecloud.com",
            "user": "U",
            "password": "pw-123456",
            "page_size": 2,
            **FAST_RETRY,
        }
    )
    with OracleClient(settings, transport=httpx.MockTransport(handler)) as oracle:
        with pytest.raises(PagingError, match="same page twice"):
            list(oracle.suppliers())
    assert len(calls) == 2 and "offset=2" in calls[1]
    assert calls[0].startswith("https://acme.fa.em2.oraclecloud.com/fscmRestApi/resources/11.13.18.05/suppliers")
