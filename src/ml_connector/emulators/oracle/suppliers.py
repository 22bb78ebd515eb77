"""Writes: supplier create / update / upsert, and child rows (addresses, sites, value set values).

Payload values arrive as JSON; they are checked against the attribute types (dates `YYYY-MM-DD`,
timestamps ISO 8601) and read-only attributes are refused, as the ADF runtime does, with a 400.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ml_connector.emulators.oracle import resources as res
from ml_connector.emulators.oracle.exceptions import bad_request
from ml_connector.emulators.oracle.query import parse_timestamp
from ml_connector.emulators.oracle.resources import Item, Kind, ResourceSpec

_SUPPLIER_DEFAULTS: dict[str, Any] = {
    "AlternateName": None,
    # ASSUMPTION: defaults for a supplier created without these attributes; values are from the documented lookups,
    # the choice is ours.
    "TaxOrganizationTypeCode": "CORPORATION",
    "TaxOrganizationType": "Corporation",
    "SupplierTypeCode": "SUPPLIER",
    "SupplierType": "Supplier",
    "InactiveDate": None,
    "BusinessRelationshipCode": "SPEND_AUTHORIZED",
    "BusinessRelationship": "Spend Authorized",
    "ParentSupplierId": None,
    "TaxpayerId": None,
    "TaxpayerCountry": None,
    "TaxpayerCountryCode": None,
    "TaxRegistrationNumber": None,
    "DUNSNumber": None,
    "OneTimeSupplierFlag": False,
    # As the live capture of a supplier created through REST shows them (resources.SUPPLIERS' source).
    "CreationSourceCode": "WEB_SERVICE",
    "CreationSource": "Web Service",
}


def typed_payload(spec: ResourceSpec, payload: Any, *, creating: bool) -> dict[str, Any]:
    """The payload's attributes as stored values; 400 on unknown, read-only or ill-typed attributes."""
    if not isinstance(payload, dict):
        raise bad_request("The request payload is not a JSON object.")
    out: dict[str, Any] = {}
    for name, value in payload.items():
        if name in ("links", *(c.name for c in spec.children)):
            continue
        kind = spec.attrs.get(name)
        if kind is None:
            # ASSUMPTION: unknown payload attributes answer 400 with this wording (the ADF runtime refuses them; the
            # text is ours).
            raise bad_request(f"The attribute {name} is not found in the resource {spec.name}.", path=name)
        if name in spec.read_only and not (creating and name == spec.key):
            raise bad_request(f"Attempt to update the read-only attribute {name}.", code="27008", path=name)
        out[name] = _typed(kind, name, value)
    return out


def _typed(kind: Kind, name: str, value: Any) -> Any:
    if value is None:
        return None
    try:
        if kind is Kind.INT and isinstance(value, int) and not isinstance(value, bool):
            return value
        if kind is Kind.NUM and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return float(value)
        if kind is Kind.BOOL and isinstance(value, bool):
            return value
        if kind is Kind.STR and isinstance(value, str):
            return value
        if kind is Kind.DATE and isinstance(value, str):
            # Only YYYY-MM-DD is accepted for dates ("the only supported date format").
            return date.fromisoformat(value) if len(value) == 10 else _fail(name, value)
        if kind is Kind.TS and isinstance(value, str):
            return parse_timestamp(value)
    except ValueError:
        pass
    return _fail(name, value)


def _fail(name: str, value: Any) -> Any:
    raise bad_request(f"The value {value!r} is not valid for attribute {name}.", path=name)


# ASSUMPTION: Status is derived from InactiveDate (inactive from that date on).
def _status(data: dict[str, Any], today: date) -> str:
    inactive = data.get("InactiveDate")
    return "INACTIVE" if isinstance(inactive, date) and inactive <= today else "ACTIVE"


def new_supplier(supplier_id: int, fields: dict[str, Any], who: dict[str, Any]) -> Item:
    """A supplier item with Oracle's defaults for the attributes the payload left out."""
    # ASSUMPTION: the party id is derived from the supplier id; Fusion allocates it separately.
    data = {"SupplierId": supplier_id, "SupplierPartyId": supplier_id + 500, **_SUPPLIER_DEFAULTS, **fields, **who}
    _derive(data, who["LastUpdateDate"].date())
    return Item(res.SUPPLIERS, data)


def _derive(data: dict[str, Any], today: date) -> None:
    data["Status"] = _status(data, today)
    # ASSUMPTION: the existence flags follow the values they stand for (the live capture has both pairs).
    data["TaxpayerIdExistsFlag"] = bool(data.get("TaxpayerId"))
    data["NationalInsuranceNumberExistsFlag"] = bool(data.get("NationalInsuranceNumber"))


def find_supplier(suppliers: list[Item], payload: dict[str, Any]) -> Item | None:
    """The supplier an upsert payload means: by `SupplierId`, else by `SupplierNumber`."""
    # ASSUMPTION: Upsert-Mode matches on the key (SupplierId) or the alternate key (SupplierNumber).
    for attr in ("SupplierId", "SupplierNumber"):
        if payload.get(attr) is not None:
            return next((s for s in suppliers if s.data.get(attr) == payload[attr]), None)
    return None


def check_supplier_create(suppliers: list[Item], fields: dict[str, Any]) -> None:
    """The rules a create must pass: a name, and name and number unique."""
    if not fields.get("Supplier"):
        # ASSUMPTION: Supplier (the name) is the one required attribute, and names and numbers are unique (notes:
        # minimal create set inferred).
        raise bad_request("The attribute Supplier is required.", code="POZ-2130001", path="Supplier")
    for s in suppliers:
        if s.data["Supplier"].lower() == str(fields["Supplier"]).lower():
            raise bad_request(f"A supplier with the name {fields['Supplier']} already exists.", code="POZ-2130212")
        if fields.get("SupplierNumber") and s.data["SupplierNumber"] == fields["SupplierNumber"]:
            raise bad_request(f"The supplier number {fields['SupplierNumber']} already exists.", code="POZ-2130213")


def next_supplier_number(suppliers: list[Item]) -> str:
    numbers = [int(s.data["SupplierNumber"]) for s in suppliers if str(s.data["SupplierNumber"]).isdigit()]
    # ASSUMPTION: the server numbers new suppliers one above the highest numeric SupplierNumber.
    return str(max(numbers, default=5000) + 1)


def apply_update(item: Item, fields: dict[str, Any], now: datetime, user: str) -> None:
    """A PATCH: set the given attributes, derive `Status`, stamp the update."""
    item.data.update(fields)
    item.data["LastUpdateDate"] = now
    item.data["LastUpdatedBy"] = user
    if item.spec is res.SUPPLIERS:
        _derive(item.data, now.date())
    if item.spec is res.SUPPLIER_CONTACTS:
        item.data["ContactName"] = _contact_name(item.data)
    item.version += 1


def new_child(spec: ResourceSpec, new_id: int, fields: dict[str, Any], who: dict[str, Any]) -> Item:
    """A child row (address, site, value set value) with every attribute present."""
    data: dict[str, Any] = dict.fromkeys(spec.attrs)
    data.update(fields)
    data.update(who)
    id_attr = spec.key or spec.hash_key[0]
    data[id_attr] = data.get(id_attr) or new_id
    if spec in (res.SUPPLIER_SITES, res.SUPPLIER_CONTACTS, res.SUPPLIER_ADDRESSES, res.SUPPLIER_SITE_ASSIGNMENTS):
        data["Status"] = "ACTIVE"
    if spec is res.SUPPLIER_CONTACTS:
        data["ContactName"] = _contact_name(data)
    if spec is res.SUPPLIER_SITE_ASSIGNMENTS and not data.get("BillToBUId") and not data.get("BillToBU"):
        # ASSUMPTION: the wording is ours; public integration notes report a 400 (POZ-2130496) without BillToBUId.
        raise bad_request("The attribute BillToBUId is required.", code="POZ-2130496", path="BillToBUId")
    if spec is res.VALUE_SET_VALUES:
        data["EnabledFlag"] = data["EnabledFlag"] or "Y"
        if not data.get("Value"):
            raise bad_request("The attribute Value is required.", path="Value")
    return Item(spec, data)


def _contact_name(data: dict[str, Any]) -> str | None:
    # ASSUMPTION: the contact's name is its first and last name (the capture shows the attribute, not its rule).
    return " ".join(str(n) for n in (data.get("FirstName"), data.get("LastName")) if n) or None
