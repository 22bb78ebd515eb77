"""Seeded supplier invoices (with distribution lines) and the payments that settle them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ml_connector.emulators.oracle import resources as res
from ml_connector.emulators.oracle.periods import CENT, money, months
from ml_connector.emulators.oracle.resources import Item

if TYPE_CHECKING:
    from ml_connector.emulators.oracle.seeding import Builder

# What each supplier bills, by natural account (raw materials, freight, repairs, IT, utilities, ...).
_ACCOUNT = {
    "5001": "5000", "5002": "5200", "5003": "6400", "5004": "5000", "5005": "5200", "5006": "6500",
    "5007": "5000", "5008": "5200", "5009": "6200", "5010": "6100", "5011": "6300", "5012": "6500",
}  # fmt: skip


def _terms_days(terms: str) -> int:
    return int(terms.split()[-1])


def seed_payables(b: Builder) -> None:
    """Add invoices and payments to `b.roots`."""
    gen = b.seed["generation"]
    invoice_id, check_id, payment_number = 300000048000001, 300000049000001, 10001
    units = {u["name"]: u for u in b.seed["business_units"]}
    for year, month in months(gen["first_period"], gen["periods"]):
        for s in b.seed["suppliers"]:
            if b.rng.random() > 0.45:
                continue
            unit = units[s["bu"]]
            invoice_date = datetime(year, month, b.rng.randint(1, 26), tzinfo=UTC)
            created = invoice_date + timedelta(days=b.rng.randint(1, 4), hours=b.rng.randint(7, 17))
            if created > b.as_of:
                continue
            lines = []
            total = Decimal(0)
            for number in range(1, b.rng.randint(1, 2) + 1):
                amount = (Decimal(b.rng.randint(50000, 2500000)) / 100).quantize(CENT)
                total += amount
                lines.append(
                    Item(
                        res.INVOICE_LINES,
                        {
                            "InvoiceId": invoice_id,
                            "LineNumber": number,
                            "LineType": "Item",
                            "LineAmount": money(amount),
                            "Description": f"{s['name']} line {number}",
                            "DistributionCombination": b.combination(unit["cost_center"], _ACCOUNT[s["number"]]),
                            "AccountingDate": invoice_date.date(),
                            **b.who(created),
                        },
                    )
                )
            data: dict[str, Any] = {
                "InvoiceId": invoice_id,
                "InvoiceNumber": f"INV-{s['number']}-{year % 100:02d}{month:02d}-{invoice_id % 1000:03d}",
                "InvoiceAmount": money(total),
                "InvoiceCurrency": b.ledger["currency"],
                "PaymentCurrency": b.ledger["currency"],
                "InvoiceDate": invoice_date.date(),
                "InvoiceType": "Standard",
                "InvoiceSource": "Manual Invoice Entry",
                "Description": f"{s['name']} {year}-{month:02d}",
                "BusinessUnit": unit["name"],
                "LegalEntity": unit["legal_entity"],
                "Supplier": s["name"],
                "SupplierNumber": s["number"],
                "SupplierSite": f"{s['city'].upper()[:10]}-{s['number']}",
                "AccountingDate": invoice_date.date(),
                "AccountingStatus": "Accounted",
                "ApprovalStatus": "Approved",
                "ValidationStatus": "Validated",
                "PaidStatus": "Unpaid",
                "AmountPaid": 0.0,
                "CanceledFlag": False,
                "PaymentTerms": s["terms"],
                "TermsDate": invoice_date.date(),
                "PaymentMethod": "Electronic",
                "LiabilityDistribution": b.combination(unit["cost_center"], "2000"),
                **b.who(created),
            }
            invoice = Item(res.INVOICES, data, {"invoiceLines": lines})
            b.roots["invoices"].append(invoice)
            paid_at = invoice_date + timedelta(days=_terms_days(s["terms"]), hours=b.rng.randint(8, 16))
            if paid_at <= b.as_of:
                data.update({"PaidStatus": "Paid", "AmountPaid": money(total)})
                invoice.data["LastUpdateDate"] = paid_at
                invoice.version += 1
                payment = Item(
                    res.PAYMENTS,
                    {
                        "CheckId": check_id,
                        "PaymentId": check_id + 700000,
                        "PaymentNumber": payment_number,
                        "PaymentReference": f"PAY-{payment_number}",
                        "PaymentAmount": money(total),
                        "PaymentDate": paid_at.date(),
                        "AccountingDate": paid_at.date(),
                        "PaymentStatus": "Negotiable",
                        "PaymentType": "Quick",
                        "PaymentCurrency": b.ledger["currency"],
                        "Payee": s["name"],
                        "PayeeSite": data["SupplierSite"],
                        "SupplierNumber": s["number"],
                        "BusinessUnit": unit["name"],
                        "LegalEntity": unit["legal_entity"],
                        "PaymentMethod": "Electronic",
                        "PaymentMethodCode": "EFT",
                        "DisbursementBankAccountName": f"{unit['legal_entity']} EUR operating",
                        "ClearingDate": None,
                        "ReconciledFlag": False,
                        "AccountingStatus": "Accounted",
                        **b.who(paid_at),
                    },
                )
                payment.child_items("relatedInvoices").append(
                    Item(
                        res.RELATED_INVOICES,
                        {
                            "InvoicePaymentId": check_id + 900000,
                            "CheckId": check_id,
                            "InvoiceId": invoice_id,
                            "InvoiceNumber": data["InvoiceNumber"],
                            "InstallmentNumber": 1,
                            "AmountPaidPaymentCurrency": money(total),
                            "AmountPaidInvoiceCurrency": money(total),
                            "InvoiceCurrency": b.ledger["currency"],
                            **b.who(paid_at),
                        },
                    )
                )
                b.roots["payablesPayments"].append(payment)
                check_id += 1
                payment_number += 1
            invoice_id += 1
