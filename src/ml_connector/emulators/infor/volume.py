"""Extra volume: N more posted GL lines in balanced journals, as the seed books them (`records.LedgerLine`).

Deterministic for a seed. Journals (2 to 40 lines) spread over the seeded months, the divisions with their own
cost centers (and the admin cost center), and the seeded accounts; journal and voucher numbers continue each
division's year. The lines are visible through every product line (M3, CSI, FSM), like the seeded ones.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from ml_connector.emulators.infor.m3_date_index import lines_between
from ml_connector.emulators.infor.records import LedgerLine
from ml_connector.emulators.infor.seeding import GL

if TYPE_CHECKING:
    from ml_connector.emulators.infor.models import InforBackend

MAX_LINES = 10_000_000
TEXTS = ("Accrual", "Reclass", "Intercompany charge", "Allocation", "Correction", "Month-end adjustment")


def add_lines(backend: InforBackend, count: int, seed: int) -> int:
    """Add `count` posted GL lines in balanced journals; the number of journals added."""
    if count < 0 or count > MAX_LINES:
        raise ValueError(f"extra lines must be between 0 and {MAX_LINES}, not {count}")
    rng = random.Random(seed)  # noqa: S311 - deterministic demo data
    with backend.lock:
        months = sorted({(ln.acct_date.year, ln.acct_date.month) for ln in backend.lines})
        accounts = sorted(backend.accounts[1])
        places = [(d["code"], [d["cost_center"]]) for d in backend.divisions]
        known_ccs = set(backend.accounts[2])
        # The admin cost center books in the first division (InforBackend.division_of_cost_center).
        admin = [cc for cc in sorted(known_ccs) if cc not in {d["cost_center"] for d in backend.divisions}]
        places[0][1].extend(admin)
        journal_no: dict[tuple[str, int], int] = {}
        trans_num = 0
        for ln in backend.lines:
            key = (ln.division, ln.year)
            journal_no[key] = max(journal_no.get(key, 0), ln.journal_no)
            trans_num = max(trans_num, ln.trans_num)
        out = backend.lines
        added = journals = 0
        while added < count:
            size = min(count - added, max(2, min(40, int(rng.expovariate(1 / 12)) + 2)))
            if count - added - size == 1:
                size += 1
            division, ccs = places[rng.randrange(len(places))]
            year, month = months[rng.randrange(len(months))]
            day = date(year, month, rng.randint(1, 28))
            jrno = journal_no.get((division, year), 0) + 1
            journal_no[(division, year)] = jrno
            created = datetime(year, month, day.day, 8, tzinfo=UTC) + timedelta(minutes=rng.randrange(600))
            text = TEXTS[rng.randrange(len(TEXTS))]
            cents = [rng.randint(100, 2_500_000) for _ in range(size - 1)]
            amounts = [*cents, -sum(cents)]
            for seq, value in enumerate(amounts, start=1):
                trans_num += 1
                out.append(
                    LedgerLine(
                        division=division,
                        year=year,
                        journal_no=jrno,
                        journal_seq=seq,
                        voucher_series="GL",
                        voucher_no=jrno,
                        acct_date=day,
                        account=accounts[rng.randrange(len(accounts))],
                        cost_center=ccs[rng.randrange(len(ccs))],
                        amount=f"{Decimal(value) / 100:.2f}",
                        currency=backend.currency,
                        text=text,
                        trans_code=GL,
                        created=created,
                        changed=created,
                        trans_num=trans_num,
                        calendar=backend.calendar_of(division),
                    )
                )
            added += size
            journals += 1
        lines_between(backend, [], date.min, date.min)  # index the new lines now, not on a client's first call
        return journals
