"""The read-only web dashboard `serve` offers: runs, what happened to every record, mapping gaps."""

from __future__ import annotations

from ml_connector.web.app import build_app

__all__ = ["build_app"]
