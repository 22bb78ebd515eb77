"""The emulators run under the same small uvicorn runner as the dashboard (`ml_connector.serving`)."""

from __future__ import annotations

from ml_connector.serving import RunningServer, free_port, serve_forever, start_in_thread

__all__ = ["RunningServer", "free_port", "serve_forever", "start_in_thread"]
