"""What a suppliers-return dry run predicts the ERP would do with each supplier, from the ERP's own list:
create or update by number, or refuse (a name another supplier already has, where the ERP keeps names unique;
the same name twice in one export)."""

from __future__ import annotations

from collections.abc import Iterable

from ml_connector.records import Supplier


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


class SupplierChecks:
    def __init__(self, existing: Iterable[Supplier], *, names_unique: bool) -> None:
        self.numbers: set[str] = set()
        self.names: dict[str, str] = {}  # name key -> the number that holds it
        for supplier in existing:
            self.numbers.add(supplier.number)
            self.names.setdefault(_name_key(supplier.name), supplier.number)
        self.names_unique = names_unique
        self.seen: dict[str, str] = {}  # name key -> code, within this export

    def refusal(self, code: str, name: str) -> str:
        """Why the ERP would refuse this supplier ('' when it would take it)."""
        key = _name_key(name)
        earlier = self.seen.setdefault(key, code)
        if not self.names_unique:
            return ""
        holder = self.names.get(key)
        if holder is not None and holder != code:
            return f"the name {name!r} is already used by supplier {holder}"
        if earlier != code:
            return f"the name {name!r} is also given to supplier {earlier} in this export"
        return ""

    def action(self, code: str) -> str:
        return f"dry run: would update supplier {code}" if code in self.numbers else f"dry run: would create {code}"
