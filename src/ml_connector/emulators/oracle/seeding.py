"""Build the seeded company from `seed/acme_eu.yaml`: reference data as written, transactions generated.

Journals, invoices and payments come from a seeded RNG, so every start (and every reset) gives the
same ids, amounts and timestamps. Timestamps are spread over the periods; some lines are updated after
they were created; periods after `posted_through` stay unposted.
"""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from typing import Any

import yaml

from ml_connector.emulators.oracle import resources as res
from ml_connector.emulators.oracle.journal_seed import seed_journals
from ml_connector.emulators.oracle.payables_seed import seed_payables
from ml_connector.emulators.oracle.periods import months, period_name
from ml_connector.emulators.oracle.resources import Item
from ml_connector.emulators.oracle.second_ledger import seed_second_ledger
from ml_connector.emulators.oracle.suppliers import new_supplier


def load_seed() -> dict[str, Any]:
    """The bundled seed file as a dict."""
    text = resources.files("ml_connector.emulators.oracle").joinpath("seed/acme_eu.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)  # noqa: S101 - the file ships with the package
    return data


@dataclass
class Seeded:
    """The seeded state: top-level collections plus the facts other modules need."""

    roots: dict[str, list[Item]]
    delimiter: str
    ledger: dict[str, Any]
    coa_name: str
    as_of: datetime
    segments_valid: dict[str, set[str]] = field(default_factory=dict)


class Builder:
    def __init__(self, seed: dict[str, Any]) -> None:
        self.seed = seed
        gen = seed["generation"]
        self.rng = random.Random(gen["seed"])  # noqa: S311 - deterministic demo data
        self.user = gen["user"]
        self.as_of = datetime.fromisoformat(seed["as_of"])
        self.ledger = seed["ledger"]
        self.coa = seed["chart_of_accounts"]
        self.company = seed["company"]["value"]
        self.delim: str = str(self.coa["delimiter"])
        self.roots: dict[str, list[Item]] = {name: [] for name in res.TOP_LEVEL}
        self.combos: dict[str, int] = {}
        self.next_id = {"batch": 300100700220001, "header": 300100700330001, "ccid": 300000047310001}

    def new_id(self, kind: str) -> int:
        value = self.next_id[kind]
        self.next_id[kind] += 1
        return value

    def _stamp(self, when: datetime) -> datetime:
        return min(when, self.as_of)

    def who(self, created: datetime, updated: datetime | None = None) -> dict[str, Any]:
        return {
            "CreatedBy": self.user,
            "CreationDate": self._stamp(created),
            "LastUpdatedBy": self.user,
            "LastUpdateDate": self._stamp(updated or created),
        }

    def build(self) -> Seeded:
        self._reference()
        self._suppliers()
        seed_journals(self)
        seed_payables(self)
        seed_second_ledger(self)  # last: the first ledger's ids and random draws stay as they were
        valid = {
            "company": {self.company},
            "cost_center": {c["value"] for c in self.seed["cost_centers"] if c.get("enabled", "Y") == "Y"},
            "account": {a["value"] for a in self.seed["accounts"]},
        }
        return Seeded(self.roots, self.delim, self.ledger, self.coa["name"], self.as_of, valid)

    def _period_statuses(self) -> None:
        """The ledger's periods: closed up to `open_from`, open until `future_from`, then future."""
        gen = self.seed["generation"]
        status = self.seed.get("period_status") or {}
        open_from = str(status.get("open_from", "9999-12"))
        future_from = str(status.get("future_from", "9999-12"))
        for year, month in months(gen["first_period"], int(gen["periods"]) + int(status.get("future_periods", 0))):
            key = f"{year:04d}-{month:02d}"
            closing = "C" if key < open_from else "O" if key < future_from else "F"
            self.roots["accountingPeriodStatusLOV"].append(
                Item(
                    res.PERIOD_STATUSES,
                    {
                        "PeriodNameId": period_name(year, month),
                        "LedgerId": self.ledger["id"],
                        "ApplicationId": 101,
                        "ClosingStatus": closing,
                        "StartDate": date(year, month, 1),
                        "EndDate": date(year, month, calendar.monthrange(year, month)[1]),
                        "PeriodYear": year,
                        "PeriodNumber": month,
                        "AdjustmentPeriodFlag": "N",
                    },
                )
            )

    def _currency_rates(self) -> None:
        """Daily rates (currencyRates) of the seed's `currency_rates`: {from, to, type, rates: {day: rate}}."""
        created = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
        for table in self.seed.get("currency_rates") or []:
            for day, rate in sorted(table["rates"].items()):
                number = len(self.roots["currencyRates"]) + 1
                self.roots["currencyRates"].append(
                    Item(
                        res.CURRENCY_RATES,
                        {
                            "_RateNumber": number,
                            "FromCurrency": table["from"],
                            "ToCurrency": table["to"],
                            "UserConversionType": table["type"],
                            "ConversionType": table["type"],
                            "ConversionDate": date.fromisoformat(str(day)),
                            "ConversionRate": float(str(rate)),
                        }
                        | self.who(created),
                    )
                )

    def _reference(self) -> None:
        created = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
        led = self.ledger
        self.roots["ledgersLOV"].append(
            Item(
                res.LEDGERS,
                {
                    "LedgerId": led["id"],
                    "Name": led["name"],
                    "Description": led["description"],
                    "CurrencyCode": led["currency"],
                    "ChartOfAccountsId": led["chart_of_accounts_id"],
                    "AccountedPeriodType": "Month",
                    "PeriodSetName": led["period_set"],
                    "LedgerCategoryCode": "PRIMARY",
                    "LedgerTypeCode": "PRIMARY",
                    "EnableBudgetaryControlFlag": False,
                },
            )
        )
        self._period_statuses()
        self._currency_rates()
        coa = self.coa
        self.roots["chartOfAccountsLOV"].append(
            Item(
                res.CHART_OF_ACCOUNTS,
                {
                    "StructureInstanceId": coa["id"],
                    "StructureInstanceNumber": coa["id"],
                    "StructureInstanceCode": coa["code"],
                    "Name": coa["name"],
                    "Description": coa["description"],
                    "EnabledFlag": "Y",
                },
            )
        )
        vs = coa["value_sets"]
        company_values = [{"value": self.company, "description": self.seed["company"]["description"]}]
        value_id = 300000046610001
        summary_id = 300000046690001  # parent values apart, so the ids of the values above stay as they were
        for role, values in (
            ("company", company_values),
            ("cost_center", self.seed["cost_centers"]),
            ("account", self.seed["accounts"]),
        ):
            spec = vs[role]
            item = Item(
                res.VALUE_SETS,
                {
                    "ValueSetId": spec["id"],
                    "ValueSetCode": spec["code"],
                    "Description": spec["description"],
                    "ModuleName": "General Ledger",
                    "ValidationType": "INDEPENDENT",
                    "ValueDataType": "VARCHAR2",
                    "MaximumLength": 4 if role != "company" else 3,
                    **self.who(created),
                },
            )
            parents = (self.seed.get("hierarchies") or {}).get(role, {}).get("parents", [])
            for v in [*values, *({**x, "summary": True} for x in parents)]:
                item.child_items("values").append(
                    Item(
                        res.VALUE_SET_VALUES,
                        {
                            "ValueId": summary_id if v.get("summary") else value_id,
                            "Value": v["value"],
                            "Description": v["description"],
                            "EnabledFlag": v.get("enabled", "Y"),
                            "StartDateActive": date(2025, 1, 1),
                            "EndDateActive": date.fromisoformat(v["end_date"]) if "end_date" in v else None,
                            "SummaryFlag": "Y" if v.get("summary") else "N",
                            "AccountType": v.get("type"),
                            "ControlAccount": None,
                            "DetailBudgetingAllowed": "Y",
                            **self.who(created),
                        },
                    )
                )
                summary_id += bool(v.get("summary"))
                value_id += not v.get("summary")
            self.roots["valueSets"].append(item)
        self._trees()

    def _trees(self) -> None:
        """One tree per seeded hierarchy: its parent values at depth 1, their children at depth 2."""
        for role, tree in (self.seed.get("hierarchies") or {}).items():
            values = self.seed["accounts" if role == "account" else "cost_centers"]
            node_ids: dict[str, str] = {}
            nodes: list[dict[str, Any]] = [{"value": p["value"], "parent": None} for p in tree["parents"]]
            nodes += [{"value": v["value"], "parent": v.get("parent")} for v in values]
            for n, node in enumerate(nodes, start=1):
                node_ids[node["value"]] = f"{tree['tree']}-{n:04d}"
            for node in nodes:
                parent = node["parent"]
                self.roots["fndTreeNodes"].append(
                    Item(
                        res.TREE_NODES,
                        {
                            "TreeStructureCode": "GL_ACCT_FLEX",
                            "TreeCode": tree["tree"],
                            "TreeVersionId": tree["version"],
                            "TreeNodeId": node_ids[node["value"]],
                            "ParentTreeNodeId": node_ids.get(parent) if parent else None,
                            "Pk1StartValue": node["value"],
                            "Pk1EndValue": node["value"],
                            "ParentPk1Value": parent,
                            "Depth": 2 if parent else 1,
                            "ChildCount": sum(1 for x in nodes if x["parent"] == node["value"]),
                        },
                    )
                )

    def combination(self, cost_center: str, account: str) -> str:
        """The account combination string, registering it in accountCombinationsLOV on first use."""
        text = self.delim.join((self.company, cost_center, account))
        if text not in self.combos:
            ccid = self.new_id("ccid")
            self.combos[text] = ccid
            acct_type = str(next((a["type"] for a in self.seed["accounts"] if a["value"] == account), "E"))
            segments: dict[str, str | None] = {f"Segment{i}": None for i in range(1, 31)}
            segments.update({"Segment1": self.company, "Segment2": cost_center, "Segment3": account})
            closed = cost_center == "3999"
            self.roots["accountCombinationsLOV"].append(
                Item(
                    res.ACCOUNT_COMBINATIONS,
                    {
                        "_CODE_COMBINATION_ID": ccid,
                        "_CHART_OF_ACCOUNTS_ID": self.coa["id"],
                        **segments,
                        "AccountType": acct_type,
                        "EnabledFlag": "Y",
                        "StartDateActive": date(2025, 1, 1),
                        "EndDateActive": date(2026, 3, 31) if closed else None,
                        "SummaryFlag": "N",
                        "DetailPostingAllowed": "Y",
                    },
                )
            )
        return text

    def _suppliers(self) -> None:
        for n, s in enumerate(self.seed["suppliers"]):
            created = datetime(2025, 3, 3, 8, 0, tzinfo=UTC) + timedelta(days=3 * n, minutes=37 * n)
            updated = created + timedelta(days=200 + 11 * n) if n % 3 == 0 else created
            item = new_supplier(
                300000047274001 + n,
                {
                    "Supplier": s["name"],
                    "SupplierNumber": s["number"],
                    "TaxpayerId": s["tax_id"],
                    "TaxpayerCountryCode": s["country"],
                    "TaxRegistrationNumber": s["tax_id"],
                },
                self.who(created, updated),
            )
            address_id = 300000047275001 + n
            item.child_items("addresses").append(
                Item(
                    res.SUPPLIER_ADDRESSES,
                    {
                        "SupplierAddressId": address_id,
                        "AddressName": f"{s['city']} HQ",
                        "AddressLine1": s["street"],
                        "AddressLine2": None,
                        "City": s["city"],
                        "State": None,
                        "PostalCode": s["postal"],
                        "Country": s["country"],
                        "CountryCode": s["country"],
                        "AddressPurposeOrderingFlag": True,
                        "AddressPurposeRemitToFlag": True,
                        "InactiveDate": None,
                        "Status": "ACTIVE",
                        **self.who(created),
                    },
                )
            )
            bu = next(b for b in self.seed["business_units"] if b["name"] == s["bu"])
            item.child_items("sites").append(
                Item(
                    res.SUPPLIER_SITES,
                    {
                        "SupplierSiteId": 300000047276001 + n,
                        "SupplierSite": f"{s['city'].upper()[:10]}-{s['number']}",
                        "ProcurementBUId": bu["id"],
                        "ProcurementBU": bu["name"],
                        "SupplierAddressId": address_id,
                        "SupplierAddressName": f"{s['city']} HQ",
                        "InactiveDate": None,
                        "Status": "ACTIVE",
                        "SitePurposeSourcingOnlyFlag": False,
                        "SitePurposePurchasingFlag": True,
                        "SitePurposePayFlag": True,
                        "PaymentTerms": s["terms"],
                        **self.who(created),
                    },
                )
            )
            site = item.child_items("sites")[-1]
            assignment = dict.fromkeys(res.SUPPLIER_SITE_ASSIGNMENTS.attrs)
            assignment |= {"AssignmentId": 300000047277501 + n, "ClientBUId": bu["id"], "ClientBU": bu["name"]}
            assignment |= {"BillToBUId": bu["id"], "BillToBU": bu["name"], "UseWithholdingTaxFlag": False}
            assignment["Status"] = "ACTIVE"
            site.child_items("assignments").append(Item(res.SUPPLIER_SITE_ASSIGNMENTS, assignment))
            first, last = s["contact"].split(" ", 1)
            item.child_items("contacts").append(
                Item(
                    res.SUPPLIER_CONTACTS,
                    {
                        "SupplierContactId": 300000047278001 + n,
                        "FirstName": first,
                        "LastName": last,
                        "ContactName": s["contact"],
                        "Email": s["email"],
                        "PhoneNumber": None,
                        "Status": "ACTIVE",
                        "InactiveDate": None,
                        "AdministrativeContactFlag": True,
                        **self.who(created),
                    },
                )
            )
            self.roots["suppliers"].append(item)


def build_seeded(seed: dict[str, Any] | None = None) -> Seeded:
    """The seeded state, fresh objects on every call."""
    return Builder(seed or load_seed()).build()
