"""ERP periods to Anaplan time period labels and back.

An ERP period is a calendar month "YYYY-MM" (a ledger on calendar months) or a period of the ERP's own
fiscal calendar, "YYYY-Pnn" (`records.FiscalPeriod`: a 4-4-5 or 13-period year, read from the ERP).

Three ways to write one as a label:

- an explicit table (`labels`, the flow's `period_labels`): ERP period -> label. It wins over the pattern;
  a period it does not list cannot be placed.
- strftime-like (`%b %y` gives "Mar 26"), on the first day of the month. `%b` is always the English month
  abbreviation (Anaplan's labels), whatever the machine's locale. A fiscal period is written as a month
  only when the flow says its years have 12 periods (`months_of_periods`, a 4-4-5 year): period 1 is then
  the `fiscal_year_start` month, as in Anaplan's own 4-4-5 time scale. Period 13 never has a month.
- a fiscal pattern, when it holds a `{...}` field: `FY{fy2} P{pp}` gives "FY26 P09" for 2026-03 in a
  fiscal year starting in July (`fiscal_year_start = 7`), and "FY26 P13" for the ERP period 2026-P13.
  Fields: `{fy4}` / `{fy2}` the fiscal year (named by the calendar year it ends in; for an ERP period, the
  ERP's fiscal year); `{pp}` / `{p}` the period number (1-13) with or without a leading zero; `{mon}` the
  month abbreviation; `{yyyy}` / `{yy}` the calendar year (the last three need a month, as above).

A period that cannot be placed is an `UnmappedError` (the line is quarantined with the reason), never a
guess. `from_anaplan` reads a label back into the form the ledger uses (`calendar`: "months" gives
"YYYY-MM", "erp" gives "YYYY-Pnn"), so plan figures return to the ERP's own periods.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from ml_connector.errors import ConfigurationError, InvalidRecordError, UnmappedError
from ml_connector.records import PERIOD_PATTERN, FiscalPeriod, is_period

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FIELDS = {
    "fy4": r"(?P<fy4>\d{4})",
    "fy2": r"(?P<fy2>\d{2})",
    "pp": r"(?P<pp>0[1-9]|1[0-3])",
    "p": r"(?P<p>1[0-3]|[1-9])",
    "mon": r"(?P<mon>" + "|".join(MONTHS) + ")",
    "yyyy": r"(?P<yyyy>\d{4})",
    "yy": r"(?P<yy>\d{2})",
}
MONTH_FIELDS = frozenset({"mon", "yyyy", "yy"})
FIELD = re.compile(r"\{(\w+)\}")
CALENDARS = ("months", "erp")


@dataclass(frozen=True)
class PeriodFormat:
    """How a flow writes an ERP period as an Anaplan time label (see the module's docstring)."""

    pattern: str = "%b %y"
    fiscal_year_start: int = 1
    calendar: str = "months"
    labels: Mapping[str, str] = field(default_factory=dict, hash=False)
    # The ERP's fiscal years have 12 periods (4-4-5): period n may be written as a month. A 13-period year's
    # periods straddle months, so without it a label that needs a month is refused, never guessed.
    months_of_periods: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.fiscal_year_start <= 12:
            raise ConfigurationError(f"fiscal_year_start {self.fiscal_year_start} is not a month (1-12)")
        if self.calendar not in CALENDARS:
            raise ConfigurationError(f"calendar {self.calendar!r} is not one of {', '.join(CALENDARS)}")
        unknown = sorted(set(FIELD.findall(self.pattern)) - set(FIELDS))
        if unknown:
            raise ConfigurationError(
                f"period_format {self.pattern!r} has unknown field(s) {', '.join(unknown)}",
                hint="Use {fy4} {fy2} {pp} {p} {mon} {yyyy} {yy}, or an strftime format such as '%b %y'.",
            )
        owners: dict[str, str] = {}
        for period, label in self.labels.items():
            if not is_period(period):
                raise ConfigurationError(
                    f"period_labels: {period!r} is neither a month YYYY-MM nor a fiscal period YYYY-Pnn",
                    hint='Write e.g. "2026-P04" = "FY26 P04".',
                )
            if not label.strip():
                raise ConfigurationError(f"period_labels: period {period} has an empty label")
            if label in owners:
                raise ConfigurationError(
                    f"period_labels: {label!r} is the label of both {owners[label]} and {period}",
                    hint="A label names one period, so that plan figures map back to one ERP period.",
                )
            owners[label] = period

    @property
    def fiscal(self) -> bool:
        return bool(FIELD.search(self.pattern))

    # -- ERP period -> label ------------------------------------------------------------------------

    def to_anaplan(self, period: str) -> str:
        if self.labels:
            label = self.labels.get(period)
            if label is None:
                raise UnmappedError(
                    f"period {period} is not in the flow's period_labels table",
                    hint="Add the period and its Anaplan time label to period_labels, then replay the run.",
                )
            return label
        erp = FiscalPeriod.parse(period)
        if erp is not None:
            return self._erp_label(erp)
        if not PERIOD_PATTERN.match(period):
            raise InvalidRecordError(
                f"period {period!r} is neither YYYY-MM nor YYYY-Pnn",
                hint="The ERP record has a bad accounting date or period; fix it at source.",
            )
        year, month = int(period[:4]), int(period[5:])
        if self.fiscal:
            return self._fiscal_label(year, month)
        return self._month_label(year, month)

    def _month_label(self, year: int, month: int) -> str:
        pattern = self.pattern.replace("%b", MONTHS[month - 1])
        return date(year, month, 1).strftime(pattern)

    def _fiscal_label(self, year: int, month: int) -> str:
        start = self.fiscal_year_start
        number = (month - start) % 12 + 1
        # A fiscal year is named by the calendar year it ends in (FY26 = Jul 2025 - Jun 2026).
        fiscal_year = year + (1 if start > 1 and month >= start else 0)
        return self._fill(fiscal_year, number, (year, month))

    def _fill(self, fiscal_year: int, number: int, month: tuple[int, int] | None) -> str:
        values = {
            "fy4": f"{fiscal_year:04d}",
            "fy2": f"{fiscal_year % 100:02d}",
            "pp": f"{number:02d}",
            "p": str(number),
        }
        if month is not None:
            values |= {"mon": MONTHS[month[1] - 1], "yyyy": f"{month[0]:04d}", "yy": f"{month[0] % 100:02d}"}
        return FIELD.sub(lambda m: values[m.group(1)], self.pattern)

    def month_of(self, period: FiscalPeriod) -> tuple[int, int] | None:
        """(calendar year, month) a period of a 12-period fiscal year stands for; None for period 13, or when
        the flow does not say its fiscal years have 12 periods."""
        if period.number > 12 or not self.months_of_periods:
            return None
        start = self.fiscal_year_start
        month = (period.number - 1 + start - 1) % 12 + 1
        return period.year - (1 if start > 1 and month >= start else 0), month

    def _erp_label(self, period: FiscalPeriod) -> str:
        month = self.month_of(period)
        needs_month = not self.fiscal or bool(set(FIELD.findall(self.pattern)) & MONTH_FIELDS)
        if month is None and needs_month:
            why = "period 13 has no month" if period.number > 12 else "a fiscal period is not a month"
            raise UnmappedError(
                f"period {period} is a period of the ERP's fiscal calendar and {why}: the label format "
                f"{self.pattern!r} needs one",
                hint="Use a pattern of fiscal year and period such as 'FY{fy2} P{pp}', list the period in "
                "period_labels, or (a 12-period 4-4-5 year) set months_of_periods = true; then replay the run.",
            )
        if not self.fiscal and month is not None:
            return self._month_label(*month)
        return self._fill(period.year, period.number, month)

    # -- label -> ERP period ------------------------------------------------------------------------

    def from_anaplan(self, label: str) -> str:
        label = label.strip()
        if self.labels:
            found = next((p for p, text in self.labels.items() if text.strip() == label), None)
        elif self.calendar == "erp":
            found = self._erp_period(label)
        else:
            found = self._fiscal_period(label) if self.fiscal else self._calendar_period(label)
        if found is None:
            where = "the flow's period_labels table" if self.labels else f"the format {self.pattern!r}"
            raise UnmappedError(
                f"Anaplan period {label!r} does not match {where}",
                hint="Set the flow's period_format (or period_labels) to match the model's time labels.",
            )
        return found

    def _erp_period(self, label: str) -> str | None:
        """A label read back as the ERP's fiscal period (calendar = "erp")."""
        if self.fiscal:
            got = self._match(label)
            if got is None:
                return None
            number = int(got.get("pp") or got.get("p") or 0)
            fiscal_year = int(got["fy4"]) if got.get("fy4") else 2000 + int(got["fy2"]) if got.get("fy2") else 0
            if not number or not fiscal_year:
                month = self._fiscal_period(label)  # a label of month and year only: the month's period
                if month is None:
                    return None
                fiscal_year, number = self._fiscal_of_month(int(month[:4]), int(month[5:]))
        else:
            month = self._calendar_period(label)
            if month is None:
                return None
            fiscal_year, number = self._fiscal_of_month(int(month[:4]), int(month[5:]))
        try:
            period = FiscalPeriod(fiscal_year, number)
            return str(period) if self._erp_label(period) == label else None
        except (ValueError, UnmappedError):
            return None

    def _fiscal_of_month(self, year: int, month: int) -> tuple[int, int]:
        start = self.fiscal_year_start
        return year + (1 if start > 1 and month >= start else 0), (month - start) % 12 + 1

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

    def _match(self, label: str) -> dict[str, str] | None:
        regex, seen = "", set()
        for part in re.split(r"(\{\w+\})", self.pattern):
            name = part[1:-1] if FIELD.fullmatch(part) else None
            if name is None:
                regex += re.escape(part)
            else:
                regex += f"(?P={name})" if name in seen else FIELDS[name]
                seen.add(name)
        match = re.fullmatch(regex, label)
        return None if match is None else {k: v for k, v in match.groupdict().items() if v is not None}

    def _fiscal_period(self, label: str) -> str | None:
        got = self._match(label)
        if got is None:
            return None
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
