"""A local, in-memory emulator of Anaplan's authentication, OAuth and Integration (v2) APIs.

`build_app()` returns the ASGI app; `ml-connector emulate anaplan` serves it. The planning models it
holds (lists, modules, imports, exports, processes) come from a definition file, by default
`seed/fpa.yaml`.
"""

from __future__ import annotations

from ml_connector.emulators.anaplan.app import AnaplanEmulator, build_app

__all__ = ["AnaplanEmulator", "build_app"]
