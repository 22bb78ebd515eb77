"""Named crash points for the fault suite (`make chaos`): `failpoint("anaplan.after_upload")`.

A no-op (one dict lookup) unless the environment variable `ML_CONNECTOR_FAILPOINTS` names the point when
the process starts: `ML_CONNECTOR_FAILPOINTS="anaplan.after_upload"` kills the process with SIGKILL the
first time it passes there, `"oracle.after_submit:2"` on its second pass. Several points are separated
by commas. With `ML_CONNECTOR_FAILPOINTS_ONCE=DIR` a point fires in only one process of all that share
DIR (a marker file is created there first), so a worker that picks up the dead one's job goes on.

Nothing here is for users: it lets the suite kill a real process at an exact moment, deterministically.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

ENV = "ML_CONNECTOR_FAILPOINTS"
ONCE_ENV = "ML_CONNECTOR_FAILPOINTS_ONCE"


def _parse(spec: str) -> dict[str, int]:
    armed: dict[str, int] = {}
    for item in spec.split(","):
        name, _, nth = item.strip().partition(":")
        if name:
            armed[name] = int(nth) if nth.strip().isdigit() and int(nth) > 0 else 1
    return armed


_ARMED: dict[str, int] = _parse(os.environ.get(ENV, ""))


def failpoint(name: str) -> None:
    """SIGKILL this process here if `ML_CONNECTOR_FAILPOINTS` names `name` (on its Nth pass)."""
    if name not in _ARMED:
        return
    _ARMED[name] -= 1
    if _ARMED[name] > 0:
        return
    del _ARMED[name]
    once = os.environ.get(ONCE_ENV)
    if once:
        try:
            fd = os.open(Path(once) / f"{name}.fired", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return  # another process already died here
        os.close(fd)
    os.kill(os.getpid(), signal.SIGKILL)


def armed() -> dict[str, int]:
    """The points still armed in this process and the passes left before each fires (for tests)."""
    return dict(_ARMED)
