"""The client's cookie jar skips answers that set no cookie, and still keeps and sends the ones set."""

from __future__ import annotations

import httpx

from ml_connector.http.transport import ResponseCookies, make_client


def test_a_cookie_set_once_is_sent_on_later_requests_and_kept_across_answers_without_one() -> None:
    seen: list[str | None] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("cookie"))
        if request.url.path == "/login":
            return httpx.Response(200, headers={"set-cookie": "route=pod-2; Path=/"})
        return httpx.Response(200, json={"items": []})

    with make_client(transport=httpx.MockTransport(answer)) as client:
        assert isinstance(client.cookies, ResponseCookies)  # an httpx upgrade that drops the hook fails here
        client.get("https://erp.example/api/a")
        client.get("https://erp.example/login")
        client.get("https://erp.example/api/b")
        client.get("https://erp.example/api/c")
    assert seen == [None, None, "route=pod-2", "route=pod-2"]
