"""The emulator finds an item of a large collection through a map it keeps per list: the map must follow
every change of the list (items added, removed, a key changed), or a GET would answer a stale item."""

from __future__ import annotations

from ml_connector.emulators.oracle import resources as res
from ml_connector.emulators.oracle.models import OracleBackend
from ml_connector.emulators.oracle.resources import Item

SPEC = res.TOP_LEVEL["suppliers"]


def items(numbers: range) -> list[Item]:
    return [Item(SPEC, {"SupplierId": n, "Supplier": f"S{n}"}) for n in numbers]


def test_lookups_follow_appends_removals_and_key_changes() -> None:
    backend = OracleBackend()
    collection = items(range(1000, 1200))
    assert backend._find(collection, "1050") is collection[50]
    collection.append(Item(SPEC, {"SupplierId": 5000}))
    assert backend._find(collection, "5000") is collection[-1]
    gone = collection.pop(10)
    assert backend._find(collection, "1010") is None
    collection.remove(collection[-1])  # the last one goes, another comes in: same length as before
    collection.append(Item(SPEC, {"SupplierId": 6000}))
    assert backend._find(collection, "5000") is None and backend._find(collection, "6000") is collection[-1]
    collection[20].data["SupplierId"] = 7000  # a key changed in place
    assert backend._find(collection, "7000") is collection[20]
    assert backend._find(collection, "1021") is None
    assert gone.key == "1010"


def test_a_small_collection_and_a_new_list_are_searched_as_they_are() -> None:
    backend = OracleBackend()
    small = items(range(10))
    assert backend._find(small, "3") is small[3]
    first = items(range(100))
    assert backend._find(first, "99") is first[99]
    second = items(range(100, 200))  # a list restored from a copy is another list
    assert backend._find(second, "99") is None and backend._find(second, "150") is second[50]
