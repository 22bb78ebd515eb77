"""Extra volume: N more posted journal lines, built by the seed's own builder (`journals.new_batch`).

Deterministic for a seed: the same (N, seed) always gives the same batches. Journals balance and are of mixed
sizes (2 to 40 lines); they spread over the seeded periods and over the account combinations, sources and
categories the seeded journals use, so every combination a client meets is one the pod knows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from ml_connector.emulators.oracle.journals import HeaderInput, LineInput, new_batch

if TYPE_CHECKING:
    from ml_connector.emulators.oracle.models import OracleBackend

SOURCES = (("Spreadsheet", "Adjustment"), ("Payables", "Purchase Invoices"), ("Receivables", "Sales Invoices"))
MAX_LINES = 10_000_000


@dataclass(frozen=True)
class _Shape:
    periods: list[tuple[str, date]]
    combinations: list[str]


def _shape(backend: OracleBackend) -> _Shape:
    periods: dict[str, date] = {}
    combinations: set[str] = set()
    ledger = backend.seeded.ledger
    for batch in backend.roots["journalBatches"]:
        if batch.data["Status"] != "P" or batch.data.get("UserPeriodSetName") != ledger["period_set"]:
            continue  # volume lines go to the first ledger, on its calendar (not the 4-4-5 second ledger)
        for header in batch.child_items("journalHeaders"):
            periods.setdefault(str(header.data["PeriodName"]), header.data["DefaultEffectiveDate"])
            combinations.update(str(x.data["AccountCombination"]) for x in header.child_items("journalLines"))
    return _Shape(sorted(periods.items(), key=lambda p: p[1]), sorted(combinations))


def add_lines(backend: OracleBackend, count: int, seed: int) -> int:
    """Add `count` posted journal lines (in balanced journals); the number of batches added."""
    if count < 0 or count > MAX_LINES:
        raise ValueError(f"extra lines must be between 0 and {MAX_LINES}, not {count}")
    rng = random.Random(seed)  # noqa: S311 - deterministic demo data
    with backend.lock:
        shape = _shape(backend)
        seeded = backend.seeded
        user = "VOLUME.LOADER"
        added = batches = 0
        while added < count:
            size = min(count - added, max(2, min(40, int(rng.expovariate(1 / 12)) + 2)))
            if count - added - size == 1:
                size += 1  # never leave a single line over: a journal needs two
            period, day = shape.periods[rng.randrange(len(shape.periods))]
            source, category = SOURCES[rng.randrange(len(SOURCES))]
            debits = [Decimal(rng.randint(100, 2_500_000)) / 100 for _ in range(size - 1)]
            lines = [
                LineInput(shape.combinations[rng.randrange(len(shape.combinations))], amount, None, f"Volume {n}")
                for n, amount in enumerate(debits, start=1)
            ]
            offset = shape.combinations[rng.randrange(len(shape.combinations))]
            lines.append(LineInput(offset, None, sum(debits, Decimal(0)), "Volume offset"))
            batch_id = backend.next_id("batch")
            header_id = backend.next_id("header")
            created = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(seconds=rng.randrange(86_400))
            batch = new_batch(
                batch_id=batch_id,
                first_header_id=header_id,
                name=f"Volume {period} {batch_id % 1_000_000}",
                description=f"Volume journal for {period}",
                period=period,
                source=source,
                status="P",
                headers=[HeaderInput(f"Volume {category}", category, day, lines)],
                ledger=seeded.ledger,
                coa_name=seeded.coa_name,
                user=user,
                created=created,
                posted=day,
            )
            backend.roots["journalBatches"].append(batch)
            added += size
            batches += 1
        return batches
