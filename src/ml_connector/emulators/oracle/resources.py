"""The emulated REST resources: attributes and their types, keys, children, finders.

Attribute names follow Oracle's REST metadata as quoted in `api/oracle.md` (CData column lists generated
from it, public client schemas). An item is stored as a plain dict of Python values plus its children.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """The type of an attribute: decides how `q` literals are read and how values are compared."""

    INT = "int"
    NUM = "num"
    STR = "str"
    DATE = "date"
    TS = "ts"
    BOOL = "bool"


def _attrs(spec: str) -> dict[str, Kind]:
    # "Name:int Other" -> {"Name": INT, "Other": STR}: keeps the long attribute lists readable.
    out: dict[str, Kind] = {}
    for token in spec.split():
        name, _, kind = token.partition(":")
        out[name] = Kind(kind) if kind else Kind.STR
    return out


WHO = " CreatedBy CreationDate:ts LastUpdatedBy LastUpdateDate:ts"


@dataclass(frozen=True)
class ResourceSpec:
    """One collection resource (top level or child accessor)."""

    name: str
    attrs: dict[str, Kind]
    key: str | None = None  # attribute whose value is the path key
    hash_key: tuple[str, ...] = ()  # attributes serialized into an opaque hash key instead
    children: tuple[ResourceSpec, ...] = ()
    finders: dict[str, dict[str, str]] = field(default_factory=dict)  # finder -> {variable: attribute}
    writable: bool = False
    read_only: frozenset[str] = frozenset()

    def __deepcopy__(self, memo: dict[int, Any]) -> ResourceSpec:
        # Specs are shared definitions: copies of the state must point at the same ones.
        return self

    def child(self, name: str) -> ResourceSpec | None:
        return next((c for c in self.children if c.name == name), None)

    def item_key(self, data: dict[str, Any]) -> str:
        if self.key is not None:
            return str(data[self.key])
        return hash_key(*(int(data[a]) for a in self.hash_key))


def hash_key(*values: int) -> str:
    """An ADF serialized-key hash: hex of Java-serialized longs, one block per key attribute.

    The shape copies the sample in Oracle's docs (`00020000000EACED0005770800...`); clients must treat it
    as opaque and take it from `links`, never build it.
    """
    # ASSUMPTION: only long key attributes are serialized; the layout is the documented sample's.
    blocks = "".join(f"0000000EACED00057708{v & 0xFFFFFFFFFFFFFFFF:016X}" for v in values)
    return f"{len(values):04X}{blocks}"


# Journal attribute lists: oracle.md 2.2 (CData's column lists generated from Oracle's REST metadata, cross-checked
# with the public ORACLE_FUSION_GL_JOURNAL_{BATCH,HEADER,LINE}_FIELDS lists).
JOURNAL_LINES = ResourceSpec(
    "journalLines",
    _attrs(
        "JeLineNumber:int AccountCombination AccountedCr:num AccountedDr:num EnteredCr:num EnteredDr:num "
        "StatAmount:num CurrencyCode CurrencyConversionDate:date CurrencyConversionRate:num Description "
        "ChartOfAccountsName ReconciliationReference jgzzReconStatusMeaning" + WHO
    ),
    hash_key=("JeHeaderId", "JeLineNumber"),
)
JOURNAL_HEADERS = ResourceSpec(
    "journalHeaders",
    _attrs(
        "JeHeaderId:int JournalName JournalDescription LedgerName LedgerCurrencyCode LegalEntityName "
        "CurrencyCode PeriodName DefaultEffectiveDate:date UserJeCategoryName UserCurrencyConversionType "
        "CurrencyConversionDate:date CurrencyConversionRate:num RunningTotalCr:num RunningTotalDr:num "
        "RunningTotalAccountedCr:num RunningTotalAccountedDr:num ControlTotal:num ExternalReference "
        "AccrualReversalStatus" + WHO
    ),
    hash_key=("JeHeaderId",),
    children=(JOURNAL_LINES,),
)
# Journal Batches/Errors and Journal Batches/Action Logs (Oracle REST API for Financials, api-journal-batches-errors
# and api-journal-batches-action-logs: accessors journalErrors and journalActionLogs, hash-keyed items); attribute
# lists: oracle.md 2.2 ("Errors child", "Action logs child", from the ORACLE_FUSION_GL_JOURNAL_* field lists).
# ASSUMPTION: the emulator's batches neither fail import validation nor go through approval, so both collections
# are empty; the hash keys below are never built.
JOURNAL_ERRORS = ResourceSpec(
    "journalErrors",
    _attrs(
        "BatchName HeaderName ErrorNumber:int JeLineNumber:int ErrorMessage ErrorMessageName CreationDate:ts "
        "LastUpdateDate:ts"
    ),
    hash_key=("JeBatchId", "ErrorNumber"),
)
JOURNAL_ACTION_LOGS = ResourceSpec(
    "journalActionLogs",
    _attrs("ActionCodeMeaning ActionDate:ts UserName CreationDate:ts LastUpdateDate:ts"),
    hash_key=("JeBatchId", "ActionLogId"),
)
_JOURNAL_BATCH_ATTRS = _attrs(
    "JeBatchId:int BatchName BatchDescription DefaultPeriodName AccountedPeriodType Status StatusMeaning "
    "CompletionStatusMeaning ApprovalStatusMeaning FundsStatusMeaning ActualFlagMeaning UserJeSourceName "
    "ChartOfAccountsName UserPeriodSetName ControlTotal:num RunningTotalDr:num RunningTotalCr:num "
    "RunningTotalAccountedDr:num RunningTotalAccountedCr:num PostedDate:date PostingRunId:int "
    "RequestId:int ErrorMessage ReversalFlag ReversalDate:date ReversalPeriod ReversalMethodMeaning "
    "ParentJeBatchName ApproverEmployeeName" + WHO
)
JOURNAL_BATCHES = ResourceSpec(
    "journalBatches",
    _JOURNAL_BATCH_ATTRS,
    key="JeBatchId",
    children=(JOURNAL_HEADERS, JOURNAL_ERRORS, JOURNAL_ACTION_LOGS),
    # ASSUMPTION: Oracle's page cuts the JournalsFinder variable list off after "Acco..."; these are the
    # likely ones (period, batch name, source, status).
    finders={
        "JournalsFinder": {
            "AccountingPeriod": "DefaultPeriodName",
            "BatchName": "BatchName",
            "Source": "UserJeSourceName",
            "Status": "Status",
        }
    },
    # PATCH on a batch is documented (op-journalbatches-jebatchid-patch); POST create is not (models.create
    # refuses it). ASSUMPTION: only the batch's name and description may change; the rest is derived.
    writable=True,
    read_only=frozenset(_JOURNAL_BATCH_ATTRS) - {"BatchName", "BatchDescription"},
)

# Chart of accounts, ledgers and value sets: oracle.md 3. ASSUMPTION: attributes there marked inferred are kept.
_SEGMENTS = " ".join(f"Segment{i}" for i in range(1, 31))
ACCOUNT_COMBINATIONS = ResourceSpec(
    "accountCombinationsLOV",
    _attrs(
        f"_CODE_COMBINATION_ID:int _CHART_OF_ACCOUNTS_ID:int {_SEGMENTS} AccountType EnabledFlag "
        "StartDateActive:date EndDateActive:date SummaryFlag DetailPostingAllowed"
    ),
    key="_CODE_COMBINATION_ID",
)
CHART_OF_ACCOUNTS = ResourceSpec(
    "chartOfAccountsLOV",
    _attrs("StructureInstanceId:int StructureInstanceNumber:int StructureInstanceCode Name Description EnabledFlag"),
    key="StructureInstanceId",
    finders={"KeywordFinder": {"SearchTerm": "Name"}},
)
LEDGERS = ResourceSpec(
    "ledgersLOV",
    _attrs(
        "LedgerId:int Name Description CurrencyCode ChartOfAccountsId:int AccountedPeriodType PeriodSetName "
        "LedgerCategoryCode LedgerTypeCode EnableBudgetaryControlFlag:bool"
    ),
    key="LedgerId",
)
# Public clients query it as `q=LedgerId=..;PeriodNameId=..;ApplicationId=101` and read ClosingStatus, StartDate
# and EndDate (Python and TypeScript period-close checks in public code; one notes that `PeriodName` does not exist
# and a query on it is a 400).
# ASSUMPTION: the documented composite key is PeriodNameId, ApplicationId and LedgerId; the other
# attribute names follow GL_PERIOD_STATUSES (CLOSING_STATUS: O open, C closed, P permanently closed,
# F future enterable, N never opened). ApplicationId 101 is General Ledger.
PERIOD_STATUSES = ResourceSpec(
    "accountingPeriodStatusLOV",
    _attrs(
        "PeriodNameId LedgerId:int ApplicationId:int ClosingStatus StartDate:date EndDate:date "
        "PeriodYear:int PeriodNumber:int AdjustmentPeriodFlag"
    ),
    # The real hash serializes PeriodNameId (a string); this one, opaque all the same, serializes the
    # period's year and number, as the kit's hash keys are of numbers only.
    hash_key=("LedgerId", "ApplicationId", "PeriodYear", "PeriodNumber"),
)
# General Ledger daily rates (GL_DAILY_RATES): Oracle's REST reference, "Get all currency rates",
# GET /fscmRestApi/resources/11.13.18.05/currencyRates (docs.oracle.com/en/cloud/saas/financials/25d/farfa/
# op-currencyrates-get.html); attribute names as CData lists them from Oracle's metadata (FromCurrency,
# ToCurrency, UserConversionType, ConversionType, ConversionDate, ConversionRate). The item key is the hash of
# the composite key (FromCurrency, ToCurrency, ConversionDate, ConversionType).
# ASSUMPTION: the kit hashes numbers only, so the key serializes a running number kept out of the payload.
CURRENCY_RATES = ResourceSpec(
    "currencyRates",
    _attrs("FromCurrency ToCurrency UserConversionType ConversionType ConversionDate:date ConversionRate:num" + WHO),
    hash_key=("_RateNumber",),
)
VALUE_SET_VALUES = ResourceSpec(
    "values",
    _attrs(
        "ValueId:int Value Description EnabledFlag StartDateActive:date EndDateActive:date SummaryFlag "
        "AccountType ControlAccount DetailBudgetingAllowed" + WHO
    ),
    hash_key=("ValueId",),
    writable=True,
    read_only=frozenset({"ValueId", "CreatedBy", "CreationDate", "LastUpdatedBy", "LastUpdateDate"}),
)
VALUE_SETS = ResourceSpec(
    "valueSets",
    _attrs("ValueSetId:int ValueSetCode Description ModuleName ValidationType ValueDataType MaximumLength:int" + WHO),
    key="ValueSetId",
    children=(VALUE_SET_VALUES,),
    finders={"ValueSetCodeFinder": {"ValueSetCode": "ValueSetCode"}},
)
# Account hierarchies are trees (Tree Structure GL_ACCT_FLEX, one tree per hierarchy, date-effective tree
# versions), read node by node from the Applications Common resource fndTreeNodes: TreeStructureCode,
# TreeCode, TreeVersionId, TreeNodeId, ParentTreeNodeId, Pk1StartValue/Pk1EndValue (the value, or a range),
# ParentPk1Value, Depth and ChildCount (FND_TREE_NODE's columns; the REST call
# `fndTreeNodes?q=TreeStructureCode=GL_ACCT_FLEX;TreeCode=...;ParentPk1Value=...` as shown in
# blogs.clarityconsulting.no "How to access Oracle Fusion GL Account Hierarchies with REST API").
# ASSUMPTION: the item key is TreeNodeId as it stands (no composite hash); every node holds one value
# (Pk1StartValue = Pk1EndValue), never a range.
TREE_NODES = ResourceSpec(
    "fndTreeNodes",
    _attrs(
        "TreeStructureCode TreeCode TreeVersionId TreeNodeId ParentTreeNodeId Pk1StartValue Pk1EndValue "
        "ParentPk1Value Depth:int ChildCount:int"
    ),
    key="TreeNodeId",
)

# Suppliers and their addresses, sites and contacts (Oracle REST API for Procurement, "fapra": api-suppliers.html,
# op-suppliers-supplierid-child-{addresses,sites,contacts}-get.html). Oracle's pages list the attributes in collapsed
# schemas; the lists below are the attributes live pods answer with, as public integration code captured them.
# ASSUMPTION: where a capture shows an attribute only as null, its type (int, num, date, bool) is ours.
_SUPPLIER_WHO_RO = frozenset({"CreatedBy", "CreationDate", "LastUpdatedBy", "LastUpdateDate"})
# Source: a live GET suppliers/{SupplierId}?expand=addresses captured in dgatti/mule_solutions,
# oracle_integration/target/test-classes/getsuppliersupplierIdvemsmuleoraclesapiconfigtest/mock_payload.dwl
# (item "addresses"), every attribute in its order.
SUPPLIER_ADDRESSES = ResourceSpec(
    "addresses",
    _attrs(
        "SupplierAddressId:int AddressName CountryCode Country AddressLine1 AddressLine2 AddressLine3 AddressLine4 "
        "City State PostalCode PostalCodeExtension Province County Building FloorNumber PhoneticAddress LanguageCode "
        "Language Addressee GlobalLocationNumber AdditionalAddressAttribute1 AdditionalAddressAttribute2 "
        "AdditionalAddressAttribute3 AdditionalAddressAttribute4 AdditionalAddressAttribute5 "
        "AddressPurposeOrderingFlag:bool AddressPurposeRemitToFlag:bool AddressPurposeRFQOrBiddingFlag:bool "
        "PhoneCountryCode PhoneAreaCode PhoneNumber PhoneExtension FaxCountryCode FaxAreaCode FaxNumber Email "
        "InactiveDate:date Status" + WHO
    ),
    key="SupplierAddressId",
    writable=True,
    read_only=_SUPPLIER_WHO_RO | {"SupplierAddressId", "Status"},
)
# Suppliers/Sites/Site Assignments (fapra api-suppliers-sites-site-assignments: a site is usable by a business unit
# once assigned to it). Source: the item of a live GET .../child/sites/{SupplierSiteId}/child/assignments as
# modelled field by field in leon8303-802951/OracleSupplier, ORSyncOracleData/Model/SupplierAssignmentReturnModel.cs.
# ASSUMPTION: no who columns (that model has none); Status is derived from InactiveDate, as on sites.
SUPPLIER_SITE_ASSIGNMENTS = ResourceSpec(
    "assignments",
    _attrs(
        "AssignmentId:int ClientBUId:int ClientBU BillToBUId:int BillToBU ShipToLocationId:int ShipToLocation "
        "ShipToLocationCode BillToLocationId:int BillToLocation BillToLocationCode UseWithholdingTaxFlag:bool "
        "WithholdingTaxGroupId:int WithholdingTaxGroup ChartOfAccountsId:int LiabilityDistributionId:int "
        "LiabilityDistribution PrepaymentDistributionId:int PrepaymentDistribution BillPayableDistributionId:int "
        "BillPayableDistribution DistributionSetId:int DistributionSet InactiveDate:date Status"
    ),
    key="AssignmentId",
    writable=True,
    read_only=frozenset({"AssignmentId", "Status"}),
)
# Source: the site item of a live GET suppliers/{SupplierId}/child/sites as modelled field by field in
# leon8303-802951/OracleSupplier, ORSyncOracleData/Model/SupplierSiteReturnModel.cs; `Address` and the who columns
# from a live capture of the same collection (26C, "Oracle Fusion Procurement Supplier Sites object reference",
# first-item sample with CreationDate, CreatedBy, LastUpdateDate, LastUpdatedBy).
SUPPLIER_SITES = ResourceSpec(
    "sites",
    _attrs(
        "SupplierSiteId:int SupplierSite ProcurementBUId:int ProcurementBU SupplierAddressId:int SupplierAddressName "
        "Address InactiveDate:date Status SitePurposeSourcingOnlyFlag:bool SitePurposePurchasingFlag:bool "
        "SitePurposeProcurementCardFlag:bool SitePurposePayFlag:bool SitePurposePrimaryPayFlag:bool "
        "IncomeTaxReportingSiteFlag:bool AlternateSiteName CustomerNumber B2BCommunicationMethodCode "
        "B2BCommunicationMethod B2BSupplierSiteCode CommunicationMethodCode CommunicationMethod Email FaxCountryCode "
        "FaxAreaCode FaxNumber HoldAllNewPurchasingDocumentsFlag:bool PurchasingHoldReason "
        "AllNewPurchasingDocumentsHoldDate:ts AllNewPurchasingDocumentsHoldBy RequiredAcknowledgmentCode "
        "RequiredAcknowledgment AcknowledgmentWithinDays:int CarrierId:int Carrier ModeOfTransportCode "
        "ModeOfTransport ServiceLevelCode ServiceLevel FreightTermsCode FreightTerms PayOnReceiptFlag:bool FOBCode "
        "FOB CountryOfOriginCode CountryOfOrigin BuyerManagedTransportationCode BuyerManagedTransportation "
        "PayOnUseFlag:bool AgingOnsetPointCode AgingOnsetPoint AgingPeriodDays:int ConsumptionAdviceFrequencyCode "
        "ConsumptionAdviceFrequency ConsumptionAdviceSummaryCode ConsumptionAdviceSummary AlternatePaySiteId:int "
        "AlternatePaySite InvoiceSummaryLevelCode InvoiceSummaryLevel GaplessInvoiceNumberingFlag:bool "
        "SellingCompanyIdentifier CreateDebitMemoFromReturnFlag:bool ShipToExceptionCode ShipToException "
        "ReceiptRoutingId:int ReceiptRouting OverReceiptTolerance:num OverReceiptActionCode OverReceiptAction "
        "EarlyReceiptToleranceInDays:num LateReceiptToleranceInDays:num AllowSubstituteReceiptsCode "
        "AllowSubstituteReceipts AllowUnorderedReceiptsFlag:bool ReceiptDateExceptionCode ReceiptDateException "
        "InvoiceCurrencyCode InvoiceCurrency InvoiceAmountLimit:num InvoiceMatchOptionCode InvoiceMatchOption "
        "MatchApprovalLevelCode MatchApprovalLevel QuantityTolerancesId:int QuantityTolerances AmountTolerancesId:int "
        "AmountTolerances InvoiceChannelCode InvoiceChannel PaymentCurrencyCode PaymentCurrency PaymentPriority:int "
        "PayGroupCode PayGroup HoldAllInvoicesFlag:bool HoldUnmatchedInvoicesCode HoldUnmatchedInvoices "
        "HoldUnvalidatedInvoicesFlag:bool PaymentHoldDate:ts PaymentHoldReason PaymentTermsId:int PaymentTerms "
        "PaymentTermsDateBasisCode PaymentTermsDateBasis PayDateBasisCode PayDateBasis BankChargeDeductionTypeCode "
        "BankChargeDeductionType AlwaysTakeDiscountCode AlwaysTakeDiscount ExcludeFreightFromDiscountCode "
        "ExcludeFreightFromDiscount ExcludeTaxFromDiscountCode ExcludeTaxFromDiscount CreateInterestInvoicesCode "
        "CreateInterestInvoices" + WHO
    ),
    key="SupplierSiteId",
    children=(SUPPLIER_SITE_ASSIGNMENTS,),
    writable=True,
    read_only=_SUPPLIER_WHO_RO | {"SupplierSiteId", "Status", "Address"},
)
# Source: Oracle's "Create one contact" page (op-suppliers-supplierid-child-contacts-post, request schema:
# AdministrativeContactFlag, Email, FaxAreaCode, FaxCountryCode, FaxNumber, FirstName, ...), its SOAP twin, the
# Supplier Contact SDO (oeswp suppliercontact: Salutation, MiddleName, JobTitle, PhoneExtension, Mobile...), the
# fields the public client IBM agent_ready_tools reads (oracle_fusion get_supplier_contacts: SupplierContactId,
# FirstName, LastName, Phone/Mobile Country/Area codes and numbers, Email), and `ContactName` from a live 26C
# capture ("Oracle Fusion Procurement Supplier Contacts object reference", a verified filter).
# ASSUMPTION: `Status` is derived from InactiveDate, as on addresses and sites.
SUPPLIER_CONTACTS = ResourceSpec(
    "contacts",
    _attrs(
        "SupplierContactId:int Salutation FirstName MiddleName LastName ContactName JobTitle "
        "AdministrativeContactFlag:bool Email PhoneCountryCode PhoneAreaCode PhoneNumber PhoneExtension "
        "MobileCountryCode MobileAreaCode MobileNumber FaxCountryCode FaxAreaCode FaxNumber InactiveDate:date "
        "Status" + WHO
    ),
    key="SupplierContactId",
    writable=True,
    read_only=_SUPPLIER_WHO_RO | {"SupplierContactId", "Status", "ContactName"},
)
# Source: a live GET suppliers/{SupplierId} captured in dgatti/mule_solutions,
# oracle_integration/target/test-classes/getsuppliersupplierIdvemsmuleoraclesapiconfigtest/mock_payload.dwl,
# every attribute in its order (the same list in the POST answer next to it, postsupplierapplicationjson...).
_SUPPLIER_ATTRS = _attrs(
    "SupplierId:int SupplierPartyId:int Supplier SupplierNumber AlternateName TaxOrganizationTypeCode "
    "TaxOrganizationType SupplierTypeCode SupplierType InactiveDate:date Status BusinessRelationshipCode "
    "BusinessRelationship ParentSupplierId:int ParentSupplier ParentSupplierNumber CreationDate:ts CreatedBy "
    "LastUpdateDate:ts LastUpdatedBy CreationSourceCode CreationSource DataFoxScore:int DataFoxScoringCriteria Alias "
    "DUNSNumber OneTimeSupplierFlag:bool RegistryId CustomerNumber StandardIndustryClass IndustryCategory "
    "IndustrySubcategory NationalInsuranceNumber NationalInsuranceNumberExistsFlag:bool CorporateWebsite "
    "YearEstablished:int MissionStatement YearIncorporated:int ChiefExecutiveTitle ChiefExecutiveName PrincipalTitle "
    "PrincipalName FiscalYearEndMonthCode FiscalYearEndMonth CurrentFiscalYearPotentialRevenue:num "
    "PreferredFunctionalCurrencyCode PreferredFunctionalCurrency TaxRegistrationCountryCode TaxRegistrationCountry "
    "TaxRegistrationNumber TaxpayerCountryCode TaxpayerCountry TaxpayerId TaxpayerIdExistsFlag:bool "
    "FederalReportableFlag:bool FederalIncomeTaxTypeCode FederalIncomeTaxType StateReportableFlag:bool "
    "TaxReportingName NameControl VerificationDate:date UseWithholdingTaxFlag:bool WithholdingTaxGroupId:int "
    "WithholdingTaxGroup BusinessClassificationNotApplicableFlag:bool DataFoxId DataFoxCompanyName DataFoxLegalName "
    "DataFoxCompanyPrimaryURL DataFoxNAICSCode DataFoxCountry DataFoxEIN DataFoxLastSyncDate:ts OBNEnabledFlag "
    "OnOFACListFlag OFACSources"
)
SUPPLIERS = ResourceSpec(
    "suppliers",
    _SUPPLIER_ATTRS,
    key="SupplierId",
    children=(SUPPLIER_ADDRESSES, SUPPLIER_SITES, SUPPLIER_CONTACTS),
    finders={"FindBySupplierNumber": {"SupplierNumber": "SupplierNumber"}},
    writable=True,
    # ASSUMPTION: the derived attributes (status, creation source, registry id, existence flags) are read-only.
    read_only=_SUPPLIER_WHO_RO
    | {
        "SupplierId",
        "SupplierPartyId",
        "Status",
        "CreationSourceCode",
        "CreationSource",
        "RegistryId",
        "TaxpayerIdExistsFlag",
        "NationalInsuranceNumberExistsFlag",
    },
)

# ASSUMPTION: the list-of-values view carries the supplier's key, name, number and status.
SUPPLIERS_LOV = ResourceSpec(
    "suppliersLOV",
    _attrs("SupplierId:int Supplier SupplierNumber AlternateName Status"),
    key="SupplierId",
)
INVOICE_LINES = ResourceSpec(
    "invoiceLines",
    _attrs(
        "InvoiceId:int LineNumber:int LineType LineAmount:num Description DistributionCombination "
        "AccountingDate:date" + WHO
    ),
    hash_key=("InvoiceId", "LineNumber"),
)
# Source: Oracle REST API for Financials, "Invoices" (op-invoices-get, 11.13.18.05), as captured by the public client
# singer-io/tap-oracle-fusion, schemas/invoice.json (oracle.md section 5): every scalar attribute listed there.
INVOICES = ResourceSpec(
    "invoices",
    _attrs(
        "InvoiceId:int InvoiceNumber InvoiceAmount:num InvoiceCurrency PaymentCurrency InvoiceDate:date "
        "InvoiceType InvoiceSource InvoiceSourceCode InvoiceGroup Description BusinessUnit LegalEntity "
        "LegalEntityIdentifier ProcurementBU Supplier SupplierNumber SupplierSite SupplierTaxRegistrationNumber "
        "SupplierIBAN Party PartySite AccountingDate:date AccountingStatus AccountCodingStatus ApprovalStatus "
        "ValidationStatus FundsStatus PaidStatus AmountPaid:num BaseAmount:num ControlAmount:num "
        "CanceledFlag:bool CanceledDate:date CanceledBy PaymentTerms TermsDate:date PaymentMethod PaymentMethodCode "
        "PayGroup PayAloneFlag:bool PurchaseOrderNumber LiabilityDistribution ConversionRate:num ConversionRateType "
        "ConversionDate:date ApplyAfterDate:date BudgetDate:date GoodsReceivedDate:date InvoiceReceivedDate:date "
        "BankAccount BankChargeBearer ExternalBankAccountId:int DeliveryChannel DeliveryChannelCode "
        "DocumentCategory DocumentSequence:int DocumentFiscalClassificationCodePath VoucherNumber "
        "ImageDocumentNumber FirstPartyTaxRegistrationId:int FirstPartyTaxRegistrationNumber TaxationCountry "
        "ProductTable ReferenceKeyOne ReferenceKeyTwo ReferenceKeyThree ReferenceKeyFour ReferenceKeyFive "
        "RemittanceMessageOne RemittanceMessageTwo RemittanceMessageThree Requester RequesterId:int "
        "RoutingAttribute1 RoutingAttribute2 RoutingAttribute3 RoutingAttribute4 RoutingAttribute5 "
        "SettlementPriority PaymentReason PaymentReasonCode PaymentReasonComments UniqueRemittanceIdentifier "
        "UniqueRemittanceIdentifierCheckDigit LastUpdateLogin" + WHO
    ),
    hash_key=("InvoiceId",),
    children=(INVOICE_LINES,),
)
# Source: Oracle REST API for Financials, "Payables Payments: Related Invoices" (child of op-payablespayments-get),
# as captured by singer-io/tap-oracle-fusion, schemas/related_invoices.json (oracle.md section 5).
RELATED_INVOICES = ResourceSpec(
    "relatedInvoices",
    _attrs(
        "InvoicePaymentId:int CheckId:int InvoiceId:int InvoiceBusinessUnit InvoiceNumber InstallmentNumber:int "
        "AmountPaidPaymentCurrency:num AmountPaidInvoiceCurrency:num DiscountLost:num DiscountTaken:num "
        "InvoiceBaseAmount:num PaymentBaseAmount:num InvoiceCurrency CrossCurrencyRate:num LastUpdateLogin" + WHO
    ),
    key="InvoicePaymentId",
)
# Source: Oracle REST API for Financials, "Payables Payments" (op-payablespayments-get, 11.13.18.05), as captured
# by the public client singer-io/tap-oracle-fusion, schemas/payables_payments.json (oracle.md section 5).
# ASSUMPTION: that schema types amounts as integers; they are decimals here, as on Oracle's pages.
PAYMENTS = ResourceSpec(
    "payablesPayments",
    _attrs(
        "CheckId:int PaymentId:int PaymentNumber:int PaymentReference PaperDocumentNumber:int "
        "PaymentFileReference:int PaymentProcessRequest PaymentAmount:num PaymentDate:date AccountingDate:date "
        "PaymentDescription PaymentStatus PaymentType PaymentCurrency PaymentFunction Payee PayeeSite "
        "SupplierNumber ProcurementBU BusinessUnit LegalEntity PaymentMethod PaymentMethodCode PaymentDocument "
        "PaymentProcessProfile DisbursementBankAccountName DisbursementBankAccountNumber ExternalBankAccountId "
        "RemitToAccountNumber EmployeeAddress ThirdPartySupplier ThirdPartyAddressName ConversionRate:num "
        "ConversionDate:date ConversionRateType ClearingDate:date ClearingAmount:num ClearingLedgerAmount:num "
        "ClearingConversionRate:num ClearingConversionDate:date ClearingConversionRateType CrossCurrencyRateType "
        "MaturityDate:date MaturityConversionRateType MaturityConversionDate:date MaturityConversionRate:num "
        "AnticipatedValueDate:date ClearingValueDate:date StopDate:date VoidDate:date VoidAccountingDate:date "
        "SeparateRemittanceAdviceCreated ReconciledFlag:bool AccountingStatus WithheldAmount:num "
        "BankChargeAmount:num DocumentCategory DocumentSequence VoucherNumber PaymentBaseAmount:num "
        "PaymentBaseCurrency AddressLine1 AddressLine2 AddressLine3 AddressLine4 City County Province State "
        "Country Zip LastUpdateLogin" + WHO
    ),
    key="CheckId",
    children=(RELATED_INVOICES,),
)
# oracle.md 2.4 (ledgerBalances attributes as the AccountBalanceFinder answers them).
LEDGER_BALANCES = ResourceSpec(
    "ledgerBalances",
    _attrs(
        "LedgerName LedgerSetName AccountCombination DetailAccountCombination AccountGroupName AccountName Currency "
        "CurrencyType CurrentAccountingPeriod PeriodName Scenario AmountType BeginningBalance PeriodActivity "
        "EndingBalance CurrentPeriodBalance ActualBalance BudgetBalance ErrorDetail"
    ),
    hash_key=("BalanceRowId",),
)
# oracle.md 2.5 (erpintegrations operation attributes). The list and its order match, attribute for attribute, Oracle's
# example response of GET erpintegrations/{OperationName} (op-erpintegrations-operationname-get, host
# servername.fa.us2.oraclecloud.com, operation downloadESSJobExecutionDetails) as public integration notes quote it.
ERP_INTEGRATIONS = ResourceSpec(
    "erpintegrations",
    _attrs(
        "OperationName DocumentId DocumentContent FileName ContentType FileType DocumentAccount Comments "
        "ProcessName LoadRequestId JobPackageName JobDefName ReqstId RequestStatus JobName ParameterList "
        "NotificationCode CallbackURL JobOptions StatusCode ESSParameters"
    ),
    key="OperationName",
)

TOP_LEVEL: dict[str, ResourceSpec] = {
    s.name: s
    for s in (
        JOURNAL_BATCHES,
        ACCOUNT_COMBINATIONS,
        CHART_OF_ACCOUNTS,
        LEDGERS,
        PERIOD_STATUSES,
        CURRENCY_RATES,
        VALUE_SETS,
        TREE_NODES,
        SUPPLIERS,
        SUPPLIERS_LOV,
        INVOICES,
        PAYMENTS,
        LEDGER_BALANCES,
        ERP_INTEGRATIONS,
    )
}


@dataclass
class Item:
    """One stored resource instance: its attribute values, children by accessor, and a change counter."""

    spec: ResourceSpec
    data: dict[str, Any]
    children: dict[str, list[Item]] = field(default_factory=dict)
    version: int = 1

    @property
    def key(self) -> str:
        return self.spec.item_key(self.data)

    def child_items(self, accessor: str) -> list[Item]:
        return self.children.setdefault(accessor, [])

    @property
    def change_indicator(self) -> str:
        # ASSUMPTION: an opaque hex token that changes with every update (drives ETag / If-Match).
        return f"ACED0005737200136A6176612E7574696C2E41727261794C6973747881D21D99C7619D{self.version:08X}"
