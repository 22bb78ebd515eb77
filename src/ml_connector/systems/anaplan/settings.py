"""`AnaplanSettings`: one Anaplan connection (hosts, credentials, upload and polling options), validated.

Every problem is reported at once, naming the field and what to do, before any network call.
Production URLs must be https on an `anaplan.com` host; `allow_any_url=True` lifts that for emulators.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

from pydantic import ConfigDict, Field, SecretStr, ValidationError, model_validator

from ml_connector.errors import ConfigurationError
from ml_connector.http.retry import RetrySettings

DEFAULT_AUTH_URL = "https://auth.anaplan.com"
DEFAULT_API_URL = "https://api.anaplan.com/2/0"
DEFAULT_OAUTH_URL = "https://us1a.app.anaplan.com"


class AuthKind(StrEnum):
    BASIC = "basic"
    CERTIFICATE = "certificate"
    OAUTH = "oauth"


class AnaplanSettings(RetrySettings):
    """One Anaplan connection (with the retry options of `RetrySettings`).

    Example::

        AnaplanSettings(auth="basic", user="me@acme.com", password="...", workspace="Acme Finance", model="FP&A")
    """

    # hide_input_in_errors: pydantic would otherwise print the raw input, password included, in its error.
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    auth_url: str = DEFAULT_AUTH_URL
    api_url: str = DEFAULT_API_URL
    oauth_url: str = DEFAULT_OAUTH_URL
    auth: AuthKind = AuthKind.BASIC
    user: str | None = None
    password: SecretStr | None = None
    certificate_path: Path | None = None
    certificate_pem: SecretStr | None = None
    private_key_path: Path | None = None
    private_key_pem: SecretStr | None = None
    private_key_passphrase: SecretStr | None = None
    oauth_client_id: str | None = None
    refresh_token: SecretStr | None = None
    workspace: str | None = Field(None, description="default workspace, by name or id")
    model: str | None = Field(None, description="default model, by name or id")
    tenant: str | None = Field(None, description="key of the shared request budget; defaults to the API URL")
    requests_per_minute: int = Field(600, ge=1, le=100_000)
    chunk_size_mb: int = Field(10, ge=1, le=50, description="upload chunk size, decimal MB (Anaplan: 1 to 50)")
    gzip: bool = True
    upload_parallel: int = Field(1, ge=1, le=16, description="chunks sent at once")
    # Short first waits (as Anaplan Connect: 1 s for 10 s), then at least 5 s apart as Anaplan's guidance asks.
    poll_initial_seconds: float = Field(0.2, gt=0, le=600, description="first wait between task status calls")
    poll_factor: float = Field(1.5, ge=1.0, le=10.0)
    poll_max_seconds: float = Field(60.0, gt=0, le=3600)
    task_timeout_seconds: float = Field(4 * 3600.0, gt=0)
    lock_timeout_seconds: float | None = Field(4 * 3600.0, gt=0)
    allow_any_url: bool = False

    @model_validator(mode="after")
    def _check(self) -> Self:
        problems = cross_field_problems({name: getattr(self, name) for name in type(self).model_fields})
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def budget_key(self) -> str:
        """The tenant key of the shared request budget."""
        return f"anaplan:{self.tenant or self.api_url.rstrip('/')}"

    @property
    def chunk_bytes(self) -> int:
        # Anaplan Connect counts MB in decimal (MB * 1000 * 1000); so do we.
        return self.chunk_size_mb * 1000 * 1000

    @classmethod
    def parse(cls, data: dict[str, object]) -> AnaplanSettings:
        """Validate `data`; every problem in one `ConfigurationError`."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = []
            for error in exc.errors():
                where = ".".join(str(p) for p in error["loc"]) or "settings"
                message = str(error["msg"]).removeprefix("Value error, ")
                problems.append(message if not error["loc"] else f"{where}: {message}")
            if all(error["loc"] for error in exc.errors()):
                # Field errors stop pydantic before the cross-field checks; run them too, to list all at once.
                defaults = {name: f.default for name, f in cls.model_fields.items()}
                problems += cross_field_problems({**defaults, **data})
            raise ConfigurationError(
                "Anaplan connection settings are invalid: " + "; ".join(problems),
                hint="Fix these fields in the connection's [connections.NAME] table of the config file "
                "(secrets: `ml-connector connection add NAME --system anaplan --secret NAME_OF_SECRET`).",
            ) from None


def url_problem(field: str, url: str, allow_any: bool) -> str | None:
    """Why `url` is not acceptable for `field`, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{field}: {url!r} is not an http(s) URL"
    if allow_any:
        return None
    if parts.scheme != "https":
        return f"{field}: {url!r} must use https (set allow_any_url only for a local emulator)"
    host = parts.hostname.lower()
    if host != "anaplan.com" and not host.endswith(".anaplan.com"):
        return f"{field}: {host!r} is not an anaplan.com host (set allow_any_url only for a local emulator)"
    return None


def _secret(value: object) -> str:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    return str(value) if value else ""


def cross_field_problems(values: dict[str, Any]) -> list[str]:
    """Problems that involve more than one field (URLs, what each auth kind needs)."""
    problems: list[str] = []
    allow_any = bool(values.get("allow_any_url"))
    for name in ("auth_url", "api_url", "oauth_url"):
        problem = url_problem(name, str(values.get(name) or ""), allow_any)
        if problem:
            problems.append(problem)
    kind = str(values.get("auth") or "basic")
    if kind == AuthKind.BASIC:
        if not values.get("user"):
            problems.append("user: required for basic auth (the Anaplan login e-mail)")
        if not _secret(values.get("password")):
            problems.append("password: required for basic auth")
    elif kind == AuthKind.CERTIFICATE:
        if values.get("certificate_path") is None and values.get("certificate_pem") is None:
            problems.append("certificate_path: give the CA certificate file (or certificate_pem)")
        if values.get("private_key_path") is None and values.get("private_key_pem") is None:
            problems.append("private_key_path: give the private key file (or private_key_pem)")
        for name in ("certificate_path", "private_key_path"):
            path = values.get(name)
            if path is not None and not Path(path).is_file():
                problems.append(f"{name}: no file at {path}; check the path")
    elif kind == AuthKind.OAUTH:
        if not values.get("oauth_client_id"):
            problems.append("oauth_client_id: required for oauth (the client id of the Anaplan OAuth client)")
        if not _secret(values.get("refresh_token")):
            problems.append("refresh_token: required for oauth (from the device grant or the vault)")
    initial, maximum = values.get("poll_initial_seconds"), values.get("poll_max_seconds")
    if isinstance(initial, int | float) and isinstance(maximum, int | float) and maximum < initial:
        problems.append("poll_max_seconds: must not be below poll_initial_seconds")
    return problems
