"""A local, in-memory emulator of Anaplan's Authentication, OAuth and Integration (v2) APIs.

One server, one base URL: `/token/...` (auth), `/oauth/token` (refresh-token grant, rotating),
`/2/0/...` (Integration API, both `/workspaces/{ws}/models/{m}/...` and `/models/{m}/...` forms) and
`/_emulator/...` (admin: health, reset, faults, stats, tasks, cells, list items, settings, info).

In tests::

    from ml_connector.emulators.anaplan import build_app
    from ml_connector.emulators.common import start_in_thread

    emu = build_app(task_seconds=0.05, token_ttl=5)   # definition=Path("my_model.yaml") for another model
    server = start_in_thread(emu)
    facts = emu.facts(server.url)   # base_url, auth_url, api_url, user, password, workspace(_id), model(_id), ...
    ...
    server.stop()

Models, lists, modules, imports, exports, processes and seed data come from a definition file, by
default `seed/fpa.yaml` (workspace "Acme Finance", models "FP&A" and "FP&A Sandbox").
"""

from __future__ import annotations

from ml_connector.emulators.anaplan.app import AnaplanEmulator, build_app

__all__ = ["AnaplanEmulator", "build_app"]
