"""ml-connector: keeps ERP actuals and Anaplan plans in step."""

from __future__ import annotations

__version__ = "0.1.0"
