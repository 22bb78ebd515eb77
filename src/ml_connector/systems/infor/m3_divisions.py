"""The M3 company and divisions a connection names, checked against M3's own list (MNS100MI).

MNS100MI (Division interface; GaryWayneSmith/M3H5 `M3H5Lib.Api/MNS100MIResource.cs`): `LstDivisions` (CONO
required) lists the company's divisions (DIVI, TX15 name, FACI ...); `GetBasicData` (CONO, DIVI) gives one
division's basic data, among it LOCD, its local currency (the currency of its accounted amounts).

A company or division M3 does not have is a configuration error at `ping` and before a run reads anything:
otherwise an M3 list for an unknown division answers with an error deep in a run, or, for a division left
blank by mistake, with every division's lines.
"""

from __future__ import annotations

from collections.abc import Callable

from ml_connector.errors import ConfigurationError
from ml_connector.systems.infor.errors import M3TransactionError

Call = Callable[[str, str, dict[str, str]], list[dict[str, str]]]
HINT = "Set company and division (or divisions) on the Infor connection to ones `ml-connector discover` lists."


def company_divisions(call: Call, company: str) -> list[tuple[str, str]]:
    """(division, name) of every division of `company`; a ConfigurationError when M3 refuses the company."""
    try:
        rows = call("MNS100MI", "LstDivisions", {"CONO": company})
    except M3TransactionError as exc:
        if exc.field == "CONO":
            raise ConfigurationError(
                f"M3 has no company {company} that this connection may use ({exc.message})", hint=HINT
            ) from None
        raise
    return [(r.get("DIVI", ""), r.get("TX15", "")) for r in rows if r.get("DIVI")]


def check_divisions(call: Call, company: str, wanted: list[str]) -> list[str]:
    """The company's division codes; a ConfigurationError naming each of `wanted` that M3 does not have."""
    known = [code for code, _ in company_divisions(call, company)]
    missing = [d for d in wanted if d not in known]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise ConfigurationError(
            f"M3 company {company} has no division{plural} {', '.join(repr(d) for d in missing)} "
            f"(it has: {', '.join(known) or 'none'})",
            hint=HINT,
        )
    return known


def local_currency(call: Call, company: str, division: str) -> str:
    """The division's local currency (MNS100MI GetBasicData LOCD): the currency of its accounted amounts."""
    rows = call("MNS100MI", "GetBasicData", {"CONO": company, "DIVI": division})
    return (rows[0].get("LOCD", "") if rows else "").strip().upper()
