"""`AnaplanSettings`: one Anaplan connection (hosts, credentials, upload and polling options), validated.

Every problem is reported at once, naming the field and what to do, before any network call.
Production URLs must be https on an `anaplan.com` host; `allow_any_url=True` lifts that for emulators.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from ml_connector.errors import ConfigurationError
from ml_connector.http.redaction import register_secret

DEFAULT_AUTH_URL = "https://auth.anaplan.com"
DEFAULT_API_URL = "https://api.anaplan.com/2/0"
DEFAULT_OAUTH_URL = "https://us1a.app.anaplan.com"


class AuthKind(StrEnum):
    BASIC = "basic"
    CERTIFICATE = "certificate"
    OAUTH = "oauth"


class AnaplanSettings(BaseModel):
    """One Anaplan connection.

    Example::

        AnaplanSettings(auth="basic", user="me@acme.com", password="...", workspace="Acme Finance", model="FP&A")
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

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
    poll_initial_seconds: float = Field(5.0, gt=0, le=600, description="first wait between task status calls")
    poll_factor: float = Field(1.5, ge=1.0, le=10.0)
    poll_max_seconds: float = Field(60.0, gt=0, le=3600)
    task_timeout_seconds: float = Field(4 * 3600.0, gt=0)
    lock_timeout_seconds: float | None = Field(4 * 3600.0, gt=0)
    allow_any_url: bool = False

    @model_validator(mode="after")
    def _check(self) -> Self:
        problems: list[str] = []
        for name in ("auth_url", "api_url", "oauth_url"):
            problem = url_problem(name, getattr(self, name), self.allow_any_url)
            if problem:
                problems.append(problem)
        if self.auth is AuthKind.BASIC:
            if not self.user:
                problems.append("user: required for basic auth (the Anaplan login e-mail)")
            if self.password is None or not self.password.get_secret_value():
                problems.append("password: required for basic auth")
        elif self.auth is AuthKind.CERTIFICATE:
            if self.certificate_path is None and self.certificate_pem is None:
                problems.append("certificate_path: give the CA certificate file (or certificate_pem)")
            if self.private_key_path is None and self.private_key_pem is None:
                problems.append("private_key_path: give the private key file (or private_key_pem)")
            for name in ("certificate_path", "private_key_path"):
                path = getattr(self, name)
                if path is not None and not Path(path).is_file():
                    problems.append(f"{name}: no file at {path}; check the path")
        else:
            if not self.oauth_client_id:
                problems.append("oauth_client_id: required for oauth (the client id of the Anaplan OAuth client)")
            if self.refresh_token is None or not self.refresh_token.get_secret_value():
                problems.append("refresh_token: required for oauth (from the device grant or the vault)")
        if self.poll_max_seconds < self.poll_initial_seconds:
            problems.append("poll_max_seconds: must not be below poll_initial_seconds")
        if problems:
            raise ValueError("; ".join(problems))
        for secret in (
            self.password,
            self.certificate_pem,
            self.private_key_pem,
            self.private_key_passphrase,
            self.refresh_token,
        ):
            if secret is not None:
                register_secret(secret.get_secret_value())
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
            raise ConfigurationError(
                "Anaplan connection settings are invalid: " + "; ".join(problems),
                hint="Fix these fields of the Anaplan connection (`ml-connector connection add`).",
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
