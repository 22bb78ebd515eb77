"""`IonApiCredentials`: the `.ionapi` file an Infor tenant admin downloads for an authorized app.

Token URL = `pu + ot`, API base = `iu + "/" + ti` (infor.md 1.1). With the service-account keys
(`saak`, `sask`) the client uses the password grant; without them, the client-credentials grant.
Every problem is reported at once, naming the field and what to do; no secret value is ever echoed.

    creds = IonApiCredentials.from_file("ACME_TST.ionapi")
    creds.token_url   # https://mingle-sso.inforcloudsuite.com:443/ACME_TST/as/token.oauth2
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import SecretStr

from ml_connector.errors import ConfigurationError

REQUIRED = {
    "ti": "tenant identifier",
    "ci": "client id",
    "cs": "client secret",
    "iu": "ION API gateway base URL",
    "pu": "authorization server base URL",
    "ot": "token path",
}
OPTIONAL = {"cn": "application name", "or": "revoke path", "oa": "authorization path"}
SECRET_FIELDS = ("ci", "cs", "saak", "sask")
DOWNLOAD_HINT = (
    "Download the file again in Infor ION API > Authorized Apps (backend service app, "
    "'Create Service Account' ticked) and import it with `ml-connector connection import-ionapi NAME FILE`."
)


def join_url(base: str, path: str) -> str:
    """`pu + ot` with exactly one slash between them (plain concatenation relies on `pu`'s trailing slash)."""
    return f"{base.rstrip('/')}/{path.lstrip('/')}"


@dataclass(frozen=True)
class IonApiCredentials:
    """The parsed `.ionapi` file. Secrets are `SecretStr`; a client registers them with its redactor."""

    tenant: str
    client_id: SecretStr
    client_secret: SecretStr
    gateway_url: str
    auth_url: str
    token_path: str
    revoke_path: str = "revoke_token.oauth2"
    app_name: str = ""
    service_key: SecretStr | None = None
    service_secret: SecretStr | None = None

    def secret_values(self) -> list[str]:
        """The plain secret values, for a redactor to mask (never to show)."""
        secrets = (self.client_id, self.client_secret, self.service_key, self.service_secret)
        return [secret.get_secret_value() for secret in secrets if secret is not None]

    @property
    def token_url(self) -> str:
        return join_url(self.auth_url, self.token_path)

    @property
    def revoke_url(self) -> str:
        return join_url(self.auth_url, self.revoke_path)

    @property
    def api_base(self) -> str:
        return f"{self.gateway_url.rstrip('/')}/{self.tenant}"

    @property
    def has_service_account(self) -> bool:
        return self.service_key is not None and self.service_secret is not None

    @classmethod
    def from_file(cls, path: str | Path, *, require_service_account: bool = True) -> IonApiCredentials:
        """Read a `.ionapi` file; `ConfigurationError` naming the file and every bad field."""
        target = Path(path)
        try:
            text = target.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise ConfigurationError(
                f"Cannot read the .ionapi file {target}: {exc.strerror or type(exc).__name__}",
                hint="Check the path and that the file is readable.",
            ) from None
        return cls.from_text(text, where=str(target), require_service_account=require_service_account)

    @classmethod
    def from_text(
        cls, text: str, *, where: str = "the .ionapi file", require_service_account: bool = True
    ) -> IonApiCredentials:
        """Parse `.ionapi` JSON text. `require_service_account` asks for `saak`/`sask` (the password grant)."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            # The position only: the text itself may hold secrets.
            raise ConfigurationError(
                f"{where} is not JSON (line {getattr(exc, 'lineno', '?')}, column {getattr(exc, 'colno', '?')})",
                hint=DOWNLOAD_HINT,
            ) from None
        if not isinstance(data, dict):
            raise ConfigurationError(f"{where} must hold a JSON object, not {type(data).__name__}", hint=DOWNLOAD_HINT)
        return cls.from_dict(data, where=where, require_service_account=require_service_account)

    @classmethod
    def from_dict(
        cls, data: dict[str, Any], *, where: str = "the .ionapi file", require_service_account: bool = True
    ) -> IonApiCredentials:
        """Build from the `.ionapi` keys (also the vault's dict, see `to_vault`)."""
        problems = validate_fields(data, require_service_account=require_service_account)
        if problems:
            raise ConfigurationError(f"{where} is not usable: " + "; ".join(problems), hint=DOWNLOAD_HINT)

        def text(key: str, default: str = "") -> str:
            value = data.get(key, default)
            return value.strip() if isinstance(value, str) else default

        saak, sask = text("saak"), text("sask")
        return cls(
            tenant=text("ti"),
            client_id=SecretStr(text("ci")),
            client_secret=SecretStr(text("cs")),
            gateway_url=text("iu").rstrip("/"),
            auth_url=text("pu"),
            token_path=text("ot"),
            revoke_path=text("or", "revoke_token.oauth2") or "revoke_token.oauth2",
            app_name=text("cn"),
            service_key=SecretStr(saak) if saak else None,
            service_secret=SecretStr(sask) if sask else None,
        )

    def to_vault(self) -> dict[str, str]:
        """The `.ionapi` keys as a dict for the vault (it encrypts them); `from_dict` reads it back."""
        out = {
            "ti": self.tenant,
            "cn": self.app_name,
            "ci": self.client_id.get_secret_value(),
            "cs": self.client_secret.get_secret_value(),
            "iu": self.gateway_url,
            "pu": self.auth_url,
            "ot": self.token_path,
            "or": self.revoke_path,
        }
        if self.service_key is not None and self.service_secret is not None:
            out |= {"saak": self.service_key.get_secret_value(), "sask": self.service_secret.get_secret_value()}
        return out

    @classmethod
    def from_vault(cls, data: dict[str, str]) -> IonApiCredentials:
        return cls.from_dict(data, where="the stored credentials", require_service_account=False)

    def __repr__(self) -> str:
        return f"IonApiCredentials(tenant={self.tenant!r}, gateway_url={self.gateway_url!r}, secrets='***')"


def validate_fields(data: dict[str, Any], *, require_service_account: bool = True) -> list[str]:
    """Every problem with the `.ionapi` keys, each naming the field (never its value)."""
    problems = []
    for key, meaning in REQUIRED.items():
        value = data.get(key)
        if value is None:
            problems.append(f"field '{key}' ({meaning}) is missing")
        elif not isinstance(value, str) or not value.strip():
            problems.append(f"field '{key}' ({meaning}) must be a non-empty string")
    for key, meaning in OPTIONAL.items():
        if key in data and not isinstance(data[key], str):
            problems.append(f"field '{key}' ({meaning}) must be a string")
    for key in ("iu", "pu"):
        value = data.get(key)
        if isinstance(value, str) and value.strip() and not _is_http_url(value.strip()):
            problems.append(f"field '{key}' ({REQUIRED[key]}) must be an http(s) URL")
    tenant = data.get("ti")
    if isinstance(tenant, str) and tenant.strip() and any(c in tenant for c in "/?#& "):
        problems.append("field 'ti' (tenant identifier) must not contain '/', '?', '#', '&' or spaces")
    keys = [k for k in ("saak", "sask") if isinstance(data.get(k), str) and data[k].strip()]
    for key in ("saak", "sask"):
        if key in data and not isinstance(data[key], str):
            problems.append(f"field '{key}' must be a string")
    if len(keys) == 1:
        missing = "sask" if keys == ["saak"] else "saak"
        problems.append(f"field '{missing}' is missing: service-account keys come in pairs (saak and sask)")
    elif not keys and require_service_account:
        problems.append(
            "fields 'saak' and 'sask' (service account keys) are missing: the password grant needs them; "
            "tick 'Create Service Account' when downloading the credentials"
        )
    return problems


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
