"""Logging: one JSON object per line, redacted on the way out.

`configure` takes the redaction to apply: the CLI passes its `AppContext.redact`, which masks every
secret of the composition root once there is one, and fields by name before (a config that does not
parse).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TextIO

from ml_connector.http.redaction import mask_fields

_STANDARD = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """`{"ts": ..., "level": ..., "logger": ..., "msg": ..., <extra fields>}`, passed through `redact`."""

    def __init__(self, redact: Callable[[str], str] = mask_fields) -> None:
        super().__init__()
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return self._redact(json.dumps(entry, default=str))


def configure(
    level: str = "WARNING", stream: TextIO | None = None, *, redact: Callable[[str], str] = mask_fields
) -> None:
    """Send ml_connector's logs as JSON lines to `stream` (stderr by default), each through `redact`."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(redact))
    root = logging.getLogger("ml_connector")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
