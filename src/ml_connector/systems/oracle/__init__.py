"""Oracle Fusion Cloud ERP client: pod settings, Basic/IDCS auth, paged REST reads, journal import, suppliers.

from ml_connector.systems.oracle import OracleClient, OracleSettings

settings = OracleSettings.parse({"pod_url": "https://acme.fa.em2.oraclecloud.com", "auth": "oauth", ...})
with OracleClient(settings) as oracle:
    print(oracle.ping())
"""

from __future__ import annotations

from ml_connector.systems.oracle.auth import BasicAuth, ClientCredentialsAuth
from ml_connector.systems.oracle.client import OracleClient
from ml_connector.systems.oracle.coa import SegmentLayout
from ml_connector.systems.oracle.errors import JournalImportError, JournalImportPendingError, PagingError
from ml_connector.systems.oracle.paging import PageCursor
from ml_connector.systems.oracle.settings import AuthKind, OracleSettings

__all__ = [
    "AuthKind",
    "BasicAuth",
    "ClientCredentialsAuth",
    "JournalImportError",
    "JournalImportPendingError",
    "OracleClient",
    "OracleSettings",
    "PageCursor",
    "PagingError",
    "SegmentLayout",
]
