"""`ApiSession`: the request path every system client uses.

prepare → take from the tenant budget → authenticate → send → classify (ok, retry, or raise one typed
error) → log one structured line. Retries run in tenacity; a 401 re-authenticates once per attempt and
never loops.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, stop_after_delay

from ml_connector.errors import (
    ApiContext,
    ApiError,
    AuthenticationError,
    ConflictError,
    ConnectorError,
    NotFoundError,
    RateLimitedError,
    RetriableError,
    UnavailableError,
)
from ml_connector.http.budget import RequestBudget
from ml_connector.http.redaction import Redactor
from ml_connector.http.retry import RetryPolicy, backoff_seconds, is_retriable, parse_retry_after
from ml_connector.http.traffic import Traffic
from ml_connector.http.transport import make_client

log = logging.getLogger("ml_connector.http")

REQUEST_ID_HEADERS = ("x-request-id", "x-correlation-id", "x-oracle-dms-ecid", "x-infor-requestid", "request-id")
EXCERPT_CHARS = 300
# How much of an error body is scrubbed to make the excerpt: far more than any secret a body could hold.
REDACT_WINDOW = 64 * 1024


class Authenticator(Protocol):
    """Supplies auth headers for a request and forgets a token the server rejected."""

    def auth_headers(self) -> dict[str, str]: ...

    def invalidate(self, headers_used: Mapping[str, str]) -> None: ...


class _Retry(Exception):  # noqa: N818 - internal signal to tenacity, never escapes
    def __init__(self, error: ConnectorError, retry_after: float | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


def excerpt(response: httpx.Response, redactor: Redactor) -> str:
    try:
        text = response.text
    except (httpx.ResponseNotRead, UnicodeDecodeError):
        return ""
    # Redact before cutting: a secret cut in two by the limit no longer matches, and its head would leak.
    return redactor.redact(" ".join(text[:REDACT_WINDOW].split()))[:EXCERPT_CHARS]


def request_id(response: httpx.Response) -> str | None:
    for name in REQUEST_ID_HEADERS:
        if name in response.headers:
            return response.headers[name]
    return None


def error_for(system: str, response: httpx.Response, redactor: Redactor) -> ApiError | AuthenticationError:
    """The one typed error for a non-success answer (its URL and body excerpt redacted)."""
    status = response.status_code
    context = ApiContext(
        system=system,
        method=response.request.method,
        url=redactor.redact_url(str(response.request.url)),
        status=status,
        request_id=request_id(response),
        body_excerpt=excerpt(response, redactor),
    )
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    if status == 429:
        return RateLimitedError(f"{system} is rate limiting requests", retry_after=retry_after, context=context)
    if status in (500, 502, 503, 504):
        return UnavailableError(f"{system} is unavailable", retry_after=retry_after, context=context)
    if status == 401:
        return AuthenticationError(f"{system} refused the credentials", context=context)
    if status == 403:
        return AuthenticationError(
            f"{system} denied access",
            hint="The user lacks a role or permission for this call; ask the system's administrator.",
            context=context,
        )
    if status == 404:
        return NotFoundError(f"{system} has no such resource", context=context)
    if status in (409, 423):
        return ConflictError(f"{system} reported a conflict", context=context)
    return ApiError(f"{system} rejected the request", context=context)


class ApiSession:
    """Sends requests for one connection of one system: budget, auth, retry, typed errors, logging.

    `base_url` is joined with relative paths; absolute URLs (e.g. Oracle `self` links) pass as they are.
    `redactor` (the composition root's) scrubs every URL, error excerpt and log line; the system's auth
    registers the tokens it gets with it. Without one the session masks by field name only.
    `traffic` (the root's) counts every request by outcome, for `/metrics`.
    """

    def __init__(
        self,
        system: str,
        base_url: str,
        *,
        auth: Authenticator | None = None,
        budget: RequestBudget | None = None,
        policy: RetryPolicy | None = None,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        budget_timeout: float = 600.0,
        sleep: Any = time.sleep,
        redactor: Redactor | None = None,
        traffic: Traffic | None = None,
    ) -> None:
        self.system = system
        self.traffic = traffic
        self.redactor = redactor if redactor is not None else Redactor()
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.budget = budget
        self.policy = policy or RetryPolicy()
        self.client = client or make_client(transport=transport)
        self.budget_timeout = budget_timeout
        self._sleep = sleep

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> ApiSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def request(self, method: str, path: str, *, safe_to_repeat: bool | None = None, **kwargs: Any) -> httpx.Response:
        """Send and return a successful (2xx) response, or raise the typed error."""
        return self._with_retry(method, path, safe_to_repeat, kwargs, stream=False)

    @contextmanager
    def stream(self, method: str, path: str, **kwargs: Any) -> Iterator[httpx.Response]:
        """Like `request`, but the body is not read: iterate `iter_bytes()` to stream it."""
        response = self._with_retry(method, path, None, kwargs, stream=True)
        try:
            yield response
        finally:
            response.close()

    def _with_retry(
        self, method: str, path: str, safe: bool | None, kwargs: dict[str, Any], *, stream: bool
    ) -> httpx.Response:
        policy = self.policy
        started = time.monotonic()
        try:  # most requests succeed at once: no retry machinery for them
            return self._attempt(method, path, safe, kwargs, 1, stream=stream)
        except _Retry as first:
            if policy.attempts <= 1 or time.monotonic() - started >= policy.deadline:
                raise first.error from None
            self._sleep(backoff_seconds(policy, 1, first.retry_after))

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            after = exc.retry_after if isinstance(exc, _Retry) else None
            return backoff_seconds(policy, state.attempt_number + 1, after)

        # The attempts after the first: numbered from 2, within what is left of the attempts and deadline.
        left = policy.deadline - (time.monotonic() - started)
        retrying = Retrying(
            stop=stop_after_attempt(policy.attempts - 1) | stop_after_delay(max(left, 0.0)),
            wait=wait,
            retry=retry_if_exception(lambda e: isinstance(e, _Retry)),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    number = attempt.retry_state.attempt_number + 1
                    return self._attempt(method, path, safe, kwargs, number, stream=stream)
        except _Retry as exhausted:
            raise exhausted.error from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(
        self, method: str, path: str, safe: bool | None, kwargs: dict[str, Any], attempt: int, *, stream: bool
    ) -> httpx.Response:
        url = self.url(path)
        reauthenticated = False
        while True:
            if self.budget is not None:
                self.budget.acquire(timeout=self.budget_timeout)
            headers = dict(kwargs.get("headers") or {})
            auth_headers = self.auth.auth_headers() if self.auth is not None else {}
            headers.update(auth_headers)
            started = time.monotonic()
            try:
                request = self.client.build_request(method, url, **{**kwargs, "headers": headers})
                response = self.client.send(request, stream=stream)
            except httpx.TransportError as exc:
                self._log(method, url, None, started, attempt, error=type(exc).__name__)
                error = UnavailableError(
                    f"{self.system} could not be reached ({type(exc).__name__})",
                    context=ApiContext(
                        self.system, method, self.redactor.redact_url(url), body_excerpt=self.redactor.redact(str(exc))
                    ),
                )
                if is_retriable(method, None, network_error=True, safe_to_repeat=safe):
                    raise _Retry(error, None) from exc
                raise error from exc
            self._log(method, url, response.status_code, started, attempt)
            if response.is_success:
                return response
            if stream:
                response.read()
            if response.status_code == 401 and self.auth is not None and not reauthenticated:
                # One re-authentication per attempt: the token may have expired between check and use.
                self.auth.invalidate(auth_headers)
                reauthenticated = True
                continue
            failure = error_for(self.system, response, self.redactor)
            if isinstance(failure, RetriableError) and is_retriable(
                method, response.status_code, network_error=False, safe_to_repeat=safe
            ):
                raise _Retry(failure, failure.retry_after)
            raise failure

    def _log(
        self, method: str, url: str, status: int | None, started: float, attempt: int, error: str | None = None
    ) -> None:
        if self.traffic is not None:
            self.traffic.request(self.system, status)
        if not log.isEnabledFor(logging.INFO):  # the default level: no line, so nothing to redact or build
            return
        log.info(
            "http request",
            extra={
                "system": self.system,
                "method": method,
                "url": self.redactor.redact_url(url),
                "status": status,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "attempt": attempt,
                "error": error,
            },
        )
