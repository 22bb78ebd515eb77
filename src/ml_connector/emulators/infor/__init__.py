"""Emulator of one Infor CloudSuite tenant behind the ION API gateway: M3, CSI (Mongoose IDOs) and FSM.

Quick start (tests)::

    from ml_connector.emulators.common import start_in_thread
    from ml_connector.emulators.infor.app import build_app, write_ionapi

    app = build_app(token_ttl=5, logins_per_minute=20, gateway_timeout=1.0)
    server = start_in_thread(app)
    ionapi = write_ionapi(tmp_path / "acme.ionapi", server.url)   # iu = server.url, ti = "ACME_TST"

Seeded company (one backend, three product-line views): company 100 "Acme Components Inc.", divisions
(= CSI sites) US1 Detroit / MX1 Monterrey / US2 Toledo, dimension 1 = accounts 1000..7000, dimension 2 =
cost centers 1100/1200/1300/1900, suppliers S10001..S10012, GL lines, invoices and payments 2025-11..2026-11,
plus one line on cost center 1999 and one with amount "12O.50".

Admin: `/_emulator/{health,reset,faults,stats,expire-tokens}` (common kit), `journals`, `suppliers`,
`gateway` (target delay -> 504, quota), `auth` (token lifetime, login limits, refresh tokens), `ionapi`.
"""

from __future__ import annotations
