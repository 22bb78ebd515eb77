"""Clients for named connections: the TOML settings plus the vault's secrets, validated, then built.

Each client is made once per flow context; budgets and kept tokens come from the composition root
(`ml_connector.root`), so every client of a tenant or credential shares them.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from ml_connector.config import Config
from ml_connector.errors import ConfigurationError
from ml_connector.http import BudgetRegistry, Redactor, Traffic
from ml_connector.locking import ModelLocks
from ml_connector.ports import ErpClient
from ml_connector.systems.anaplan import AnaplanClient, AnaplanSettings
from ml_connector.systems.anaplan.auth import KeptTokens
from ml_connector.systems.infor import InforClient, InforSettings, IonApiCredentials
from ml_connector.systems.oracle import OracleClient, OracleSettings
from ml_connector.vault import Vault

SECRET_FIELDS: dict[str, tuple[str, ...]] = {
    "anaplan": ("password", "certificate_pem", "private_key_pem", "private_key_passphrase", "refresh_token"),
    "oracle": ("password", "client_secret"),
    "infor": (),  # the whole .ionapi file lives in the vault (`connection import-ionapi`)
}


SETTINGS: dict[str, type[BaseModel]] = {"anaplan": AnaplanSettings, "oracle": OracleSettings, "infor": InforSettings}
# Set by the product itself, never by `--set`: Infor's come from the .ionapi file and the connection's name.
_NOT_SETTABLE = {"infor": ("credentials", "name")}


def checked_options(system: str, options: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """`--set KEY=VALUE` pairs of a `system` connection checked field by field against its settings
    class (the rest of the connection, secrets included, is not needed): (the values to write, typed
    where the field is a number or a flag, and what is wrong with the others)."""
    settings = SETTINGS[system]
    unsettable = SECRET_FIELDS[system] + _NOT_SETTABLE.get(system, ())
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in options.items():
        field = settings.model_fields.get(key)
        if key in SECRET_FIELDS[system]:
            problems.append(f"{key} is a secret, never a --set value (store it with --secret {key})")
        elif field is None or key in unsettable:
            known = sorted(k for k in settings.model_fields if k not in unsettable)
            problems.append(f"{key} is not a setting of {system} connections (known: {', '.join(known)})")
        elif system == "infor" and key == "divisions":
            values[key] = value  # "US1,MX1": split when the connection is used
        else:
            adapter: TypeAdapter[Any] = TypeAdapter(Annotated[field.annotation, field])  # type: ignore[arg-type]
            try:
                typed = adapter.validate_python(value)
            except ValidationError as exc:
                message = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
                problems.append(f"{key}={value}: {message}")
                continue
            values[key] = typed if isinstance(typed, bool | int | float) else value
    return values, problems


def anaplan_settings(config: Config, vault: Vault, name: str) -> AnaplanSettings:
    section = _section(config, name, "anaplan")
    secrets = vault.get(name) if vault.has(name) else {}
    return AnaplanSettings.parse({**section.options(), **_only(secrets, SECRET_FIELDS["anaplan"])})


def erp_settings(config: Config, vault: Vault, name: str) -> OracleSettings | InforSettings:
    section = config.connection(name)
    options = section.options()
    if section.system == "oracle":
        secrets = vault.get(name) if vault.has(name) else {}
        return OracleSettings.parse({**options, **_only(secrets, SECRET_FIELDS["oracle"])})
    if section.system == "infor":
        credentials = IonApiCredentials.from_vault(vault.get(name))
        divisions = options.get("divisions")
        if isinstance(divisions, str):  # "US1,MX1" from `--set divisions=US1,MX1`
            options["divisions"] = tuple(d.strip() for d in divisions.split(",") if d.strip())
        elif isinstance(divisions, list):
            options["divisions"] = tuple(divisions)
        return InforSettings.build(credentials=credentials, name=name, **options)
    raise ConfigurationError(f"connection {name!r} is {section.system}, not an ERP", hint="Name an ERP connection.")


def _section(config: Config, name: str, system: str) -> Any:
    section = config.connection(name)
    if section.system != system:
        raise ConfigurationError(
            f"connection {name!r} is {section.system}, not {system}", hint=f"Name a {system} connection."
        )
    return section


def _only(secrets: dict[str, str], names: tuple[str, ...]) -> dict[str, str]:
    return {k: v for k, v in secrets.items() if k in names}


class ConnectionClients:
    """Makes each named connection's client once and keeps it until `close`."""

    def __init__(
        self,
        config: Config,
        vault: Vault,
        locks: ModelLocks,
        *,
        budgets: BudgetRegistry,
        kept_tokens: KeptTokens,
        redactor: Redactor,
        traffic: Traffic | None = None,
    ) -> None:
        self.config = config
        self.traffic = traffic
        self.vault = vault
        self.locks = locks
        self.budgets = budgets
        self.kept_tokens = kept_tokens
        self.redactor = redactor
        self._erps: dict[str, ErpClient] = {}
        self._anaplans: dict[str, AnaplanClient] = {}
        self._guard = threading.Lock()

    def erp(self, name: str) -> ErpClient:
        with self._guard:
            client = self._erps.get(name)
            if client is None:
                settings = erp_settings(self.config, self.vault, name)
                client = (
                    OracleClient(settings, budgets=self.budgets, redactor=self.redactor, traffic=self.traffic)
                    if isinstance(settings, OracleSettings)
                    else InforClient(settings, budgets=self.budgets, redactor=self.redactor, traffic=self.traffic)
                )
                self._erps[name] = client
            return client

    def anaplan(self, name: str) -> AnaplanClient:
        with self._guard:
            client = self._anaplans.get(name)
            if client is None:
                settings = anaplan_settings(self.config, self.vault, name)

                def keep_rotated(token: str) -> None:
                    self.vault.update(name, {"refresh_token": token})

                client = AnaplanClient(
                    settings,
                    locks=self.locks,
                    on_refresh_token=keep_rotated,
                    budgets=self.budgets,
                    kept_tokens=self.kept_tokens,
                    redactor=self.redactor,
                    traffic=self.traffic,
                )
                self._anaplans[name] = client
            return client

    def close(self) -> None:
        with self._guard:
            for erp in self._erps.values():
                erp.close()
            for anaplan in self._anaplans.values():
                anaplan.close()
            self._erps.clear()
            self._anaplans.clear()
