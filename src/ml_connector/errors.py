"""Every error ml-connector raises, under one root, classified by what the engine should do.

ConnectorError                      root; `hint` says what to do
├── ConfigurationError              bad config, id, file or mapping: stop, tell the user
│   └── VaultError                  missing or wrong vault key, unknown credential
├── AuthenticationError             credentials refused: stop
├── ApiError                        the remote API said no (carries `ApiContext`)
│   ├── RetriableError              worth trying again later
│   │   ├── RateLimitedError        429
│   │   └── UnavailableError        5xx, timeouts, dropped connections
│   ├── NotFoundError               404 (Anaplan masks "no access" as 404)
│   └── ConflictError               409 and friends
│       └── ModelBusyError          an Anaplan model is locked by another action
├── LockTimeoutError                waited too long for the per-model lock
├── RecordError                     one record is bad: quarantine it, go on
│   ├── UnmappedError               no mapping for a code
│   └── InvalidRecordError          malformed field (non-numeric amount, bad date, ...)
└── TaskFailedError                 an Anaplan task ended cancelled or unsuccessful
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ApiContext:
    """What went over the wire when an API call failed. The URL is already redacted."""

    system: str
    method: str
    url: str
    status: int | None = None
    request_id: str | None = None
    body_excerpt: str = ""

    def describe(self) -> str:
        parts = [f"{self.system} {self.method} {self.url}"]
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.request_id:
            parts.append(f"request id {self.request_id}")
        if self.body_excerpt:
            parts.append(f"body: {self.body_excerpt}")
        return ", ".join(parts)


class ConnectorError(Exception):
    """Root of every ml-connector error. `hint` tells the user what to do about it."""

    exit_code = 1
    default_hint = ""

    def __init__(self, message: str, *, hint: str | None = None, context: ApiContext | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint if hint is not None else self.default_hint
        self.context = context

    def __str__(self) -> str:
        text = self.message
        if self.context is not None:
            text = f"{text} ({self.context.describe()})"
        return text


class ConfigurationError(ConnectorError):
    exit_code = 2
    default_hint = "Fix the configuration and run again."


class VaultError(ConfigurationError):
    default_hint = "Check ML_CONNECTOR_KEY or the key file made by `ml-connector init`."


class StoreError(ConfigurationError):
    """The store's database cannot be opened or used (missing, unreachable, not a database)."""


class AuthenticationError(ConnectorError):
    exit_code = 3
    default_hint = (
        "Store the right secret again with `ml-connector connection add NAME --system SYSTEM --secret password` "
        "(no --set: the settings stay in the config file), then `ml-connector ping NAME`."
    )


class ApiError(ConnectorError):
    exit_code = 4
    default_hint = "See the status and body excerpt; run again once the cause is fixed."


class RetriableError(ApiError):
    exit_code = 5
    default_hint = "The service is busy or down; the run can be repeated safely later."

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        hint: str | None = None,
        context: ApiContext | None = None,
    ) -> None:
        super().__init__(message, hint=hint, context=context)
        self.retry_after = retry_after


class RateLimitedError(RetriableError):
    pass


class UnavailableError(RetriableError):
    pass


class NotFoundError(ApiError):
    default_hint = "Check the name or id, and that the user can see it (`ml-connector discover`)."


class ConflictError(ApiError):
    exit_code = 6


class ModelBusyError(ConflictError):
    default_hint = "Another action holds the model; the run waits its turn and can be repeated."


class LockTimeoutError(ConnectorError):
    exit_code = 6
    default_hint = "Another run held the model lock for too long; see `ml-connector runs` and try again."


class RecordError(ConnectorError):
    exit_code = 7
    default_hint = "Fix the record at the source or add a mapping, then `ml-connector replay RUN`."


class UnmappedError(RecordError):
    default_hint = "Add a mapping for the code (`ml-connector mapping import`), then replay the run."

    def __init__(self, message: str, *, hint: str | None = None, dimension: str = "", code: str = "") -> None:
        super().__init__(message, hint=hint)
        self.dimension = dimension
        self.code = code


class InvalidRecordError(RecordError):
    pass


class TaskFailedError(ConnectorError):
    exit_code = 8
    default_hint = "Open the task's failure dump or details in Anaplan; fix the cause and run again."
