"""The operator's web console `serve` offers: sign-in, runs and records, mapping gaps fixed and replayed."""

from __future__ import annotations

from ml_connector.web.app import build_app
from ml_connector.web.security import ConsoleSecurity

__all__ = ["ConsoleSecurity", "build_app"]
