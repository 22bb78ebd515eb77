"""Oracle Fusion Cloud ERP emulator: IDCS token endpoint, `fscmRestApi` resources, journal import, admin API.

Quick start (tests)::

    from ml_connector.emulators.common import start_in_thread
    from ml_connector.emulators.oracle import build_app

    server = start_in_thread(build_app(token_ttl=5))
    token_url = f"{server.url}/oauth2/v1/token"              # Basic client_id:client_secret, form grant
    rest = f"{server.url}/fscmRestApi/resources/11.13.18.05"  # or .../latest; Basic user:password works too
    ...
    server.stop()

Seeded: ledger "Acme EU Ledger" (EUR, id 300000046975971), chart of accounts Company-CostCenter-Account
with delimiter "-" (e.g. `300-3100-6100`), cost centers 3100/3200/3300/3900 (+ closed 3999), suppliers
5001..5012, journals Nov-25..Nov-26 (posted through Oct-26), invoices and payments. `Credentials()`
holds the default client id/secret, user/password and the scope string.
"""

from __future__ import annotations

from ml_connector.emulators.oracle.app import OracleEmulator, build_app, build_emulator
from ml_connector.emulators.oracle.tokens import Credentials

__all__ = ["Credentials", "OracleEmulator", "build_app", "build_emulator"]
