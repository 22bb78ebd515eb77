"""ERP periods ("YYYY-MM") to Anaplan time period labels ("Mar 26") and back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from ml_connector.errors import InvalidRecordError, UnmappedError
from ml_connector.records import PERIOD_PATTERN

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class PeriodFormat:
    """An strftime-like format for the first day of the month. `%b` is always the English month
    abbreviation (Anaplan's labels), whatever the machine's locale."""

    pattern: str = "%b %y"

    def to_anaplan(self, period: str) -> str:
        if not PERIOD_PATTERN.match(period):
            raise InvalidRecordError(
                f"period {period!r} is not YYYY-MM", hint="The ERP record has a bad accounting date; fix it at source."
            )
        year, month = int(period[:4]), int(period[5:])
        pattern = self.pattern.replace("%b", MONTHS[month - 1])
        return date(year, month, 1).strftime(pattern)

    def from_anaplan(self, label: str) -> str:
        label = label.strip()
        for number, name in enumerate(MONTHS, start=1):
            if name in label:
                try:
                    numeric = label.replace(name, f"{number:02d}")
                    parsed = datetime.strptime(numeric, self.pattern.replace("%b", "%m")).replace(tzinfo=UTC)
                except ValueError:
                    break
                return f"{parsed.year:04d}-{parsed.month:02d}"
        raise UnmappedError(
            f"Anaplan period {label!r} does not match the format {self.pattern!r}",
            hint="Set the flow's period_format to match the model's time labels.",
        )
