"""Run a command and report its own peak memory: `python -m bench.peak OUT CMD...` writes the child's
peak RSS in bytes to OUT and exits with the child's code.

Why a go-between: the kernel's peak RSS of a child (`ru_maxrss` from wait4) counts the parent's pages
it shared between fork and exec. A child started straight from the benchmark process (hundreds of MB
after a bare read of a million lines, with the Anaplan and Infor emulators in it) would report the
benchmark's memory, not the run's. Started from this small process, it reports its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    out, command = Path(argv[0]), argv[1:]
    child = subprocess.Popen(command)  # noqa: S603 - the benchmark's own command line
    _pid, status, usage = os.wait4(child.pid, 0)
    out.write_text(str(usage.ru_maxrss * 1024), encoding="utf-8")
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
