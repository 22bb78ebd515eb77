"""ERP periods ("YYYY-MM") to Anaplan time period labels and back.

Two kinds of `period_format`:

- strftime-like, on the first day of the month: `%b %y` gives "Mar 26". `%b` is always the English
  month abbreviation (Anaplan's labels), whatever the machine's locale.
- a fiscal pattern, when it holds a `{...}` field: `FY{fy2} P{pp}` gives "FY26 P09" for 2026-03 in a
  fiscal year starting in July (`fiscal_year_start = 7`). Fields: `{fy4}` / `{fy2}` the fiscal year,
  named by the calendar year it ends in; `{pp}` / `{p}` the period number in the fiscal year (with or
  without a leading zero); `{mon}` the month abbreviation; `{yyyy}` / `{yy}` the calendar year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from ml_connector.errors import ConfigurationError, InvalidRecordError, UnmappedError
from ml_connector.records import PERIOD_PATTERN

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FIELDS = {
    "fy4": r"(?P<fy4>\d{4})",
    "fy2": r"(?P<fy2>\d{2})",
    "pp": r"(?P<pp>0[1-9]|1[0-2])",
    "p": r"(?P<p>1[0-2]|[1-9])",
    "mon": r"(?P<mon>" + "|".join(MONTHS) + ")",
    "yyyy": r"(?P<yyyy>\d{4})",
    "yy": r"(?P<yy>\d{2})",
}
FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class PeriodFormat:
    """How a flow writes an ERP period as an Anaplan time label (see the module's docstring)."""

    pattern: str = "%b %y"
    fiscal_year_start: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.fiscal_year_start <= 12:
            raise ConfigurationError(f"fiscal_year_start {self.fiscal_year_start} is not a month (1-12)")
        unknown = sorted(set(FIELD.findall(self.pattern)) - set(FIELDS))
        if unknown:
            raise ConfigurationError(
                f"period_format {self.pattern!r} has unknown field(s) {', '.join(unknown)}",
                hint="Use {fy4} {fy2} {pp} {p} {mon} {yyyy} {yy}, or an strftime format such as '%b %y'.",
            )

    @property
    def fiscal(self) -> bool:
        return bool(FIELD.search(self.pattern))

    def to_anaplan(self, period: str) -> str:
        if not PERIOD_PATTERN.match(period):
            raise InvalidRecordError(
                f"period {period!r} is not YYYY-MM", hint="The ERP record has a bad accounting date; fix it at source."
            )
        year, month = int(period[:4]), int(period[5:])
        if self.fiscal:
            return self._fiscal_label(year, month)
        pattern = self.pattern.replace("%b", MONTHS[month - 1])
        return date(year, month, 1).strftime(pattern)

    def _fiscal_label(self, year: int, month: int) -> str:
        start = self.fiscal_year_start
        number = (month - start) % 12 + 1
        # A fiscal year is named by the calendar year it ends in (FY26 = Jul 2025 - Jun 2026).
        fiscal_year = year + (1 if start > 1 and month >= start else 0)
        values = {
            "fy4": f"{fiscal_year:04d}",
            "fy2": f"{fiscal_year % 100:02d}",
            "pp": f"{number:02d}",
            "p": str(number),
            "mon": MONTHS[month - 1],
            "yyyy": f"{year:04d}",
            "yy": f"{year % 100:02d}",
        }
        return FIELD.sub(lambda m: values[m.group(1)], self.pattern)

    def from_anaplan(self, label: str) -> str:
        label = label.strip()
        found = self._fiscal_period(label) if self.fiscal else self._calendar_period(label)
        if found is None:
            raise UnmappedError(
                f"Anaplan period {label!r} does not match the format {self.pattern!r}",
                hint="Set the flow's period_format to match the model's time labels.",
            )
        return found

    def _calendar_period(self, label: str) -> str | None:
        for number, name in enumerate(MONTHS, start=1):
            if name in label:
                try:
                    numeric = label.replace(name, f"{number:02d}")
                    parsed = datetime.strptime(numeric, self.pattern.replace("%b", "%m")).replace(tzinfo=UTC)
                except ValueError:
                    return None
                return f"{parsed.year:04d}-{parsed.month:02d}"
        return None

    def _fiscal_period(self, label: str) -> str | None:
        regex, seen = "", set()
        for part in re.split(r"(\{\w+\})", self.pattern):
            name = part[1:-1] if FIELD.fullmatch(part) else None
            if name is None:
                regex += re.escape(part)
            else:
                regex += f"(?P={name})" if name in seen else FIELDS[name]
                seen.add(name)
        match = re.fullmatch(regex, label)
        if match is None:
            return None
        got = match.groupdict()
        month = None
        if got.get("mon"):
            month = MONTHS.index(got["mon"]) + 1
        elif got.get("pp") or got.get("p"):
            month = (int(got.get("pp") or got["p"]) - 1 + self.fiscal_year_start - 1) % 12 + 1
        if month is None:
            return None
        if got.get("yyyy") or got.get("yy"):
            year = int(got["yyyy"]) if got.get("yyyy") else 2000 + int(got["yy"])
        elif got.get("fy4") or got.get("fy2"):
            fiscal_year = int(got["fy4"]) if got.get("fy4") else 2000 + int(got["fy2"])
            start = self.fiscal_year_start
            year = fiscal_year - (1 if start > 1 and month >= start else 0)
        else:
            return None
        period = f"{year:04d}-{month:02d}"
        return period if self._fiscal_label(year, month) == label else None
