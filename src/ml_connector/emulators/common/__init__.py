"""The admin kit every emulator serves under `/_emulator/`: faults, stats, reset, a server runner."""

from __future__ import annotations

from ml_connector.emulators.common.admin import EmulatorKit
from ml_connector.emulators.common.faults import Faults
from ml_connector.emulators.common.server import RunningServer, serve_forever, start_in_thread
from ml_connector.emulators.common.stats import RequestStats

__all__ = ["EmulatorKit", "Faults", "RequestStats", "RunningServer", "serve_forever", "start_in_thread"]
