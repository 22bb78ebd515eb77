"""Ping a connection (authenticate and read one small thing) and keep the outcome in the store, so the
console's home shows when each connection last answered, from the CLI's `ping` or the console's."""

from __future__ import annotations

from ml_connector.config import Config
from ml_connector.errors import ConnectorError
from ml_connector.flows.context import Clients
from ml_connector.http.redaction import Redactor
from ml_connector.store.checks import record_check
from ml_connector.store.database import Store


def ping(config: Config, clients: Clients, store: Store, redactor: Redactor, connection: str) -> str:
    """What the connection answered; a ConnectorError (recorded first) when it did not."""
    section = config.connection(connection)
    try:
        client = clients.anaplan(connection) if section.system == "anaplan" else clients.erp(connection)
        answer = client.ping()
    except ConnectorError as exc:
        record_check(store, connection, False, redactor.redact(str(exc)))
        raise
    record_check(store, connection, True, redactor.redact(str(answer)))
    return str(answer)
