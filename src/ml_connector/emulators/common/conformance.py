"""Conformance: the behaviours an emulator implements, each with its source, and a probe that checks it over HTTP.

Each emulator lists its behaviours in `emulators/<system>/behaviours.py`. The test suite runs every probe against
the running emulator; `ml-connector emulate <system> --list-behaviours` prints them with their sources and the
emulator's `# ASSUMPTION:` notes (where no source says, the emulator chose the likely behaviour).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

Probe = Callable[[httpx.Client], None]


class ConformanceError(AssertionError):
    """A probe saw the emulator answer otherwise than its source says."""


def expect(condition: bool, what: str) -> None:
    """Fail the probe with `what` unless `condition` holds."""
    if not condition:
        raise ConformanceError(what)


@dataclass(frozen=True)
class Behaviour:
    """One documented behaviour: what it is, where that is written, and how to check it."""

    name: str
    source: str
    probe: Probe


@dataclass(frozen=True)
class Assumption:
    """An `# ASSUMPTION:` note in an emulator's code: where, and the choice it records."""

    where: str
    text: str


_MARK = re.compile(r"#\s*ASSUMPTION:\s*(.*)$")


def assumptions(package: Path) -> Iterator[Assumption]:
    """Every `# ASSUMPTION:` note under `package`, with its continuation comment lines joined."""
    for path in sorted(package.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            found = _MARK.search(line)
            if not found:
                continue
            text = [found.group(1).strip()]
            for follow in lines[number:]:
                stripped = follow.strip()
                if not stripped.startswith("#") or _MARK.search(stripped):
                    break
                text.append(stripped.lstrip("#").strip())
            yield Assumption(f"{path.relative_to(package.parent)}:{number}", " ".join(t for t in text if t))


def listing(system: str, behaviours: list[Behaviour], package: Path) -> str:
    """The text `--list-behaviours` prints."""
    out = [f"{system}: {len(behaviours)} behaviours checked by the conformance suite", ""]
    for n, b in enumerate(behaviours, start=1):
        out += [f"{n:3}. {b.name}", f"     source: {b.source}"]
    notes = list(assumptions(package))
    out += ["", f"{len(notes)} assumptions (no source says; the emulator chose):", ""]
    out += [f"- {a.where}: {a.text}" for a in notes]
    return "\n".join(out)
