"""Typed keys: the Anaplan cell (or list member) a record counts in, and the mapping gap it waits on.

Both are stored as text (`target_key` of the audit and the ledger), built and read only here:

    cell    <tag>|<part>|<part>...        GL|US1|4000|1100|Jan 26|USD    SUP|V100|Jan 26    account|4000
    gap     unmapped:<dimension>:<code>   unmapped:cost_center:1999

Inside a part, the separator and the escape character are escaped with a backslash (`A|B` is
written `A\\|B`, `C:\\x` in a gap is written `C\\:\\\\x`), so any text round-trips and two different
keys never share an encoding. A part holding neither is written as it is, so keys stored before
escaping existed read the same. Every key of a kind starts with the kind's tag and separator (its
`prefix`), so a kind is selected with SQL `startswith(prefix)`.

A GL cell is (entity, account, cost center, period, currency). The entity and the currency are empty
when the flow's import has no column for them. Keys stored before they existed (`GL|4000|1100|Jan 26`)
read as such a key, with both empty; migration 0004 rewrites the stored ones to the five-part form.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import ClassVar, Self

ESCAPE = "\\"
CELL_SEPARATOR = "|"
GAP_SEPARATOR = ":"
GAP_PREFIX = "unmapped" + GAP_SEPARATOR


def escape(part: str, separator: str) -> str:
    """`part` with the escape character and `separator` escaped."""
    if ESCAPE not in part and separator not in part:
        return part
    return part.replace(ESCAPE, ESCAPE + ESCAPE).replace(separator, ESCAPE + separator)


def split(text: str, separator: str, maxsplit: int = -1) -> list[str]:
    """The unescaped parts of `text` between unescaped separators (at most `maxsplit` splits; after
    that an unescaped separator is text). An escape before any other character is kept as it is."""
    if ESCAPE not in text:
        return text.split(separator, maxsplit)
    parts: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        following = text[index + 1 : index + 2]
        if char == ESCAPE and following in (ESCAPE, separator):
            current.append(following)
            index += 2
            continue
        if char == separator and (maxsplit < 0 or len(parts) < maxsplit):
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return parts


class CellKind(Enum):
    """What a cell key addresses: its stored tag and the names of its parts, in order.

    Adding a dimension to a kind is one edit here, plus its value where such keys are built."""

    GL = ("GL", ("entity", "account", "cost_center", "period", "currency"))
    SUPPLIER = ("SUP", ("supplier", "period"))
    ACCOUNT_LIST = ("account", ("code",))
    COST_CENTER_LIST = ("cost_center", ("code",))
    SUPPLIER_LIST = ("supplier", ("code",))
    ACCOUNT_GROUP_LIST = ("account_group", ("code",))
    COST_CENTER_GROUP_LIST = ("cost_center_group", ("code",))

    tag: str
    dimensions: tuple[str, ...]

    def __init__(self, tag: str, dimensions: tuple[str, ...]) -> None:
        self.tag = tag
        self.dimensions = dimensions

    @property
    def prefix(self) -> str:
        """What every encoded key of this kind, and no other, starts with."""
        return self.tag + CELL_SEPARATOR

    @classmethod
    def from_tag(cls, tag: str) -> CellKind:
        for kind in cls:
            if kind.tag == tag:
                return kind
        raise ValueError(f"no cell kind is tagged {tag!r}")


# Dimensions a kind had before some were added: a stored key of that many parts reads with the
# added parts empty (keys written before the entity and the currency were part of a GL cell).
LEGACY_DIMENSIONS: dict[CellKind, tuple[str, ...]] = {CellKind.GL: ("account", "cost_center", "period")}


@dataclass(frozen=True)
class CellKey:
    """A cell of an Anaplan module (or a member of a list): its kind and one part per dimension."""

    kind: CellKind
    parts: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.parts) != len(self.kind.dimensions):
            raise ValueError(
                f"a {self.kind.name} key has the parts {self.kind.dimensions}, not {len(self.parts)} part(s)"
            )

    @classmethod
    def of(cls, kind: CellKind, **parts: str) -> Self:
        """The key of `kind` with its parts given by name: `CellKey.of(CellKind.SUPPLIER, supplier=s, period=p)`."""
        if set(parts) != set(kind.dimensions):
            raise ValueError(f"a {kind.name} key has the parts {kind.dimensions}, not {tuple(parts)}")
        return cls(kind, tuple(parts[name] for name in kind.dimensions))

    def __getitem__(self, name: str) -> str:
        try:
            return self.parts[self.kind.dimensions.index(name)]
        except ValueError:
            raise KeyError(f"a {self.kind.name} key has no part {name!r}") from None

    def named(self) -> dict[str, str]:
        return dict(zip(self.kind.dimensions, self.parts, strict=True))

    def encode(self) -> str:
        return self.kind.prefix + CELL_SEPARATOR.join(escape(p, CELL_SEPARATOR) for p in self.parts)

    @classmethod
    def parse(cls, text: str, kind: CellKind | None = None) -> Self:
        """The key `text` encodes (ValueError if it is none, or not of `kind` when given)."""
        tag, separator, rest = text.partition(CELL_SEPARATOR)
        if not separator:
            raise ValueError(f"{text!r} is not a cell key")
        found = CellKind.from_tag(tag)
        if kind is not None and found is not kind:
            raise ValueError(f"{text!r} is a {found.name} key, not {kind.name}")
        parts = split(rest, CELL_SEPARATOR)
        legacy = LEGACY_DIMENSIONS.get(found)
        if legacy is not None and len(parts) == len(legacy) != len(found.dimensions):
            named = dict(zip(legacy, parts, strict=True))
            return cls(found, tuple(named.get(name, "") for name in found.dimensions))
        return cls(found, tuple(parts))

    def __str__(self) -> str:
        return self.encode()


@dataclass(frozen=True)
class GapKey:
    """A missing mapping: the dimension and the ERP code that no rule covers."""

    dimension: str
    code: str

    PREFIX: ClassVar[str] = GAP_PREFIX

    def encode(self) -> str:
        return GAP_PREFIX + escape(self.dimension, GAP_SEPARATOR) + GAP_SEPARATOR + escape(self.code, GAP_SEPARATOR)

    @classmethod
    def parse(cls, text: str) -> Self:
        """The gap `text` encodes (ValueError if it is none). An unescaped `:` in the code, as stored
        before codes were escaped, is read as part of the code."""
        if not text.startswith(GAP_PREFIX):
            raise ValueError(f"{text!r} is not a mapping gap key")
        parts = split(text[len(GAP_PREFIX) :], GAP_SEPARATOR, maxsplit=1)
        if len(parts) != 2:
            raise ValueError(f"{text!r} names no code")
        return cls(parts[0], parts[1])

    @staticmethod
    def is_gap(text: str) -> bool:
        return text.startswith(GAP_PREFIX)

    def __str__(self) -> str:
        return self.encode()
