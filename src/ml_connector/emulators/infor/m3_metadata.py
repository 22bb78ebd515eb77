"""Documented MI output fields with their M3 types and lengths: the one list behind v1 `Metadata` and MRS001MI.

Source: infor.md appendix B, transcribed from GaryWayneSmith/M3H5 `M3H5Lib.Api/{PGM}/{TRN}Response.cs`, which are
generated from M3's own MI metadata. Format per field: `NAME(type length) description`; type A = alphanumeric,
N = numeric, D = date. GLS840MI's outputs (CONO only) are from infor.md section 2.4.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TEXT: dict[tuple[str, str], str] = {
    ("GLS200MI", "LstVouchersByDt"): (
        "CONO(N3) Company; DIVI(A3) Division; YEA4(N4) Year; JRNO(N7) Journal number; "
        "JSNO(N7) Journal sequence number; FEID(A4) FAM function; FNCN(N3) FAM function; "
        "TDSC(A10) Transaction description; VDSC(A7) Voucher name; TRCD(N2) Transaction code; "
        "ACDT(D10) Accounting date; VSER(A3) Voucher number series; VONO(N8) Voucher number; "
        "EICD(N1) External/internal transaction; OCDT(D10) Transaction date; "
        "REDE(D10) Internal reconciliation date; RECO(N1) Internal reconciliation code; "
        "ERDT(D10) External reconciliation date; VATD(D10) VAT date; TOCD(A1) Check mark; "
        "AIT1(A10) Accounting dimension 1; AIT2(A10) Accounting dimension 2; "
        "AIT3(A10) Accounting dimension 3; AIT4(A10) Accounting dimension 4; "
        "AIT5(A10) Accounting dimension 5; AIT6(A10) Accounting dimension 6; "
        "AIT7(A10) Accounting dimension 7; ACQT(N17) Quantity; DCQT(N1) Decimal places for quantities; "
        "UNIT(A3) Unit of measure; CUCD(A3) Currency; CRTP(N2) Exchange rate type; ARAT(N13) Exchange rate; "
        "THCC(A3) Third currency; TCRT(N2) Third currency rate type; TCAR(N13) Third exchange rate; "
        "ACAM(N17) Recorded amount; DCAM(N1) Decimal places for amount; DBCR(A1) Debit/credit code; "
        "CUAM(N17) Foreign currency amount; TGCD(N1) Transferred to group consolidation; "
        "VTP1(N7) VAT rate 1; CVT1(N17) Calculated VAT amount 1; VTP2(N7) VAT rate 2; "
        "CVT2(N17) Calculated VAT amount 2; CVT3(N17) Calculated VAT amount 3; "
        "CVT4(N17) Calculated VAT amount 4; VATR(A1) VAT reported; VRNE(N1) VAT registration no existed; "
        "SERS(N2) Service code; ARCD(N1) Filing code; GFL1(A1) 1 position for miscellaneous use in GL; "
        "GFL2(A1) 1 position for miscellaneous use in GL; GFL3(A1) 1 position for miscellaneous use in GL; "
        "GFL4(A1) 1 position for miscellaneous use in GL; GFL5(A1) 1 position for miscellaneous use in GL; "
        "BSCD(A3) Base country; FTCO(A3) From/to country; TXID(N13) Text identity; "
        "ACYP(N6) Accounting period; TCAM(N17) Third currency amount; CHID(A10) Changed by; "
        "VTXT(A40) Voucher text; RGDT(D10) Entry date; RGTM(N6) Entry time; APCD(A10) Authorized user; "
        "APRV(N1) Approved for payment; ECAR(A2) State; VRNO(A16) VAT registration number; "
        "VSNO(N7) Voucher sequence number; LMDT(D10) Change date; CHNO(N3) Change number; CYP6(N6) Period; "
        "DCFG(A1) Debit/Credit flag; VTPQ(N8) Quebec sales tax rate; VTD1(N7) Deductable VAT 1; "
        "CRAU(A10) Cross authorizer; CRAY(N1) Approved for payment by cross authorizer"
    ),
    ("GLS200MI", "LstVoucherLines"): (
        "CONO(N3) Company; DIVI(A3) Division; YEA4(N4) Year; JRNO(N7) Journal number; "
        "JSNO(N7) Journal sequence number; FEID(A4) FAM entry ID; FNCN(N3) FAM function; "
        "TDSC(A10) Transaction description; VDSC(A7) Voucher name; TRCD(N2) Transaction code; "
        "ACDT(D10) Accounting date; VSER(A3) Voucher number series; VONO(N8) Voucher number; "
        "EICD(N1) External/internal transaction; OCDT(D10) Transaction date; "
        "REDE(D10) Internal reconciliation date; RECO(N1) Internal reconciliation code; "
        "ERDT(D10) External reconciliation date; VATD(D10) VAT date; TOCD(A1) Check mark; "
        "AIT1(A10) Accounting dimension 1; AIT2(A10) Accounting dimension 2; "
        "AIT3(A10) Accounting dimension 3; AIT4(A10) Accounting dimension 4; "
        "AIT5(A10) Accounting dimension 5; AIT6(A10) Accounting dimension 6; "
        "AIT7(A10) Accounting dimension 7; ACQT(N17) Accounted quantity; "
        "DCQT(N1) Decimal places for quantities; UNIT(A3) Unit of measure; CUCD(A3) Currency; "
        "CRTP(N2) Exchange rate type; ARAT(N13) Exchange rate; THCC(A3) Third currency; "
        "TCRT(N2) Third currency rate type; TCAR(N13) Third exchange rate; ACAM(N17) Recorded amount; "
        "DCAM(N1) Decimal places for amount; DBCR(A1) Debit/credit code; CUAM(N17) Foreign currency amount; "
        "TGCD(N1) Transferred to group management; VTP1(N7) VAT rate 1; CVT1(N17) Calculated VAT amount 1; "
        "VTP2(N7) VAT rate 2; CVT2(N17) Calculated VAT amount 2; CVT3(N17) Calculated VAT amount 3; "
        "CVT4(N17) Calculated VAT amount 4; VATR(A1) VAT reported; VRNE(N1) VAT registration no existed; "
        "SERS(N2) Service code; ARCD(N1) Filing code; GFL1(A1) 1 position for miscellaneous use in GL; "
        "GFL2(A1) 1 position for miscellaneous use in GL; GFL3(A1) 1 position for miscellaneous use in GL; "
        "GFL4(A1) 1 position for miscellaneous use in GL; GFL5(A1) 1 position for miscellaneous use in GL; "
        "BSCD(A3) Base country; FTCO(A3) From/to country; TXID(N13) Text identity; "
        "ACYP(N6) Accounting period; TCAM(N17) Third currency amount; CHID(A10) Changed by; "
        "VTXT(A40) Voucher text; RGDT(D10) Entry date; RGTM(N6) Entry time; APCD(A10) Authorized; "
        "APRV(N1) Approved for payment; ECAR(A2) State; VRNO(A16) VAT registration number; "
        "VSNO(N7) Voucher sequence number; LMDT(D10) Change date; CHNO(N3) Change number; CYP6(N6) Period; "
        "DCFG(A1) Debit/Credit Flag; VTCD(N2) VAT code; AT04(N1) VAT account type"
    ),
    ("GLS200MI", "GetVoucherHead"): (
        "CONO(N3) Company; DIVI(A3) Division; YEA4(N4) Year; VSER(A3) Voucher number series; "
        "VONO(N8) Voucher number; FEID(A4) FAM entry ID; FNCN(N3) FAM function; "
        "TDSC(A10) Transaction description; VDSC(A7) Voucher name; DSUM(N17) Debit sum; "
        "CSUM(N17) Credit sum; CUAD(N17) Currency amount sum debit; CUAC(N17) Currency amount sum credit; "
        "CUCD(A3) Currency"
    ),
    ("CRS630MI", "LstAccountID"): (
        "CONO(N3) Company; DIVI(A3) Division; AITP(N1) Accounting dimension; AITM(A10) Accounting identity; "
        "AICL(A8) Account group; TX40(A40) Description; TX15(A15) Name; AT01(N1) Balance account; "
        "AT02(N1) Profit or loss account; AT03(N1) Accounts receivable account; "
        "AT11(N1) Accounts payable account; AT04(N1) VAT account type; AT05(N1) Internal account; "
        "AT06(N1) Revaluation account; AT07(N1) Cost of capital account; AT08(N1) Fixed assets account; "
        "AT09(N1) Period account; AT10(N1) Clearing account; LCCD(N1) Blocked accounting identity; "
        "OUAC(N1) Outcome account; BUAC(N1) Budget account; CAAC(N1) Cost accounting account; "
        "VFDT(D10) Valid from; VTDT(D10) Valid to; ARCH(N1) Filing; ACR2(N1) ACR for accounting dimension 2; "
        "ACR3(N1) ACR for accounting dimension 3; ACR4(N1) ACR for accounting dimension 4; "
        "ACR5(N1) ACR for accounting dimension 5; ACR6(N1) ACR for accounting dimension 6; "
        "ACR7(N1) ACR for accounting dimension 7; ACRV(N1) ACR for VAT codes; "
        "ACB2(A1) ACR for acc dimension 2 (budget); ACB3(A1) ACR for acc dimension 3 (budget); "
        "ACB4(A1) ACR for acc dimension 4 (budget); ACB5(A1) ACR for acc dimension 5 (budget); "
        "ACB6(A1) ACR for acc dimension 6 (budget); ACB7(A1) ACR for acc dimension 7 (budget); "
        "ACGR(A10) Object access group; APCG(A10) Authority group; RESP(A10) Responsible; VTCD(N2) VAT code; "
        "CCCD(N1) Currency connection; CUCD(A3) Currency; SLCD(N1) Sign lock; MQCD(N1) Quantity mandatory; "
        "MTCD(N1) Text mandatory; SUCT(A3) Replacement category; CICT(A3) Cost of capital rule; "
        "ETCH(N1) Transaction check before deletion; OBJE(A3) Field; RECE(N1) Reconciliation; "
        "PCA1(N1) Petty cash account; AT12(N1) Bank account; CLRA(N1) Suspense account; "
        "STOA(N1) Inventory account; BACR(A1) Enter bank operation; RDRI(A6) Resource driver; "
        "RDVP(N7) Variable percent; CMID(A8) Cost center model; GCMT(N1) Consolidation method; "
        "TXID(N13) Text identity; RGDT(D10) Entry date; RGTM(N6) Entry time; LMDT(D10) Change date; "
        "CHNO(N3) Change number; CHID(A10) Changed by; LMTS(N18) Timestamp; "
        "CAD2(N1) Compress for accounting dimension 2; CAD3(N1) Compress for accounting dimension 3; "
        "CAD4(N1) Compress for accounting dimension 4; CAD5(N1) Compress for accounting dimension 5; "
        "CAD6(N1) Compress for accounting dimension 6; CAD7(N1) Compress for accounting dimension 7; "
        "DAUC(A10) Delegation of authority code; AT13(N1) Blocked for manual entry; LNCD(A2) Language; "
        "LX40(A40) Description; LX15(A15) Name"
    ),
    ("CRS620MI", "LstSuppliers"): (
        "CONO(N3) Company; SUNO(A10) Suppliernumber; SUNM(A36) Suppliername; LNCD(A2) Languagecode; "
        "PHNO(A16) Phonenumber; CSCD(A3) Country; ECAR(A2) Area/State; PNOD(A15) PlanningNode; "
        "SUCL(A3) Suppliergroup; QUCL(A2) Qualityclass; ORTY(A3) Ordertype; TEDL(A3) Deliveryterms; "
        "MODL(A3) Deliverymethod; TEAF(A3) Freightterms; TEPA(A3) Packagingterms; DT4T(N1) Datetype; "
        "DTCD(N1) Datecode; VTCD(N2) VATcode; TXAP(N1) Taxapplicable; TAXC(A3) Taxcodecustomer/address; "
        "CUCD(A3) Currency; CRTP(N2) Exchangeratetype; TEPY(A3) Paymentterms; "
        "PYME(A3) Paymentmethod-accountspayable; ATPR(A1) Attributepricingrule; "
        "ACRF(A8) User-definedaccountingcontrolobject; BUYE(A10) Buyer; RESP(A10) Authorizeduser; "
        "AGNT(A10) Agent; ABSK(A1) ABCclass-supplier; ABSM(N1) ABCmethod-supplier; PWMT(A10) PINcode; "
        "DCSM(N1) Discountcalculationmethod; FUSC(A3) Monitoringactivitylist; SPFC(A2) Monitoringclass; "
        "COBI(A10) Groupofcompanies; SCNO(A10) Suppliercustomernumber; SUGR(A10) Statisticalsupplier; "
        "SHST(N1) Shipmenttable; POOT(A3) Pointoftimetable; OUCN(A10) Ourcustomernumberatsupplier; "
        "TINO(A15) TaxIDforsupplier; PRSU(A10) Payee; SERS(N2) Servicecode; SBPE(N1) Self-billingpermitted; "
        "PACD(A1) Paymentpriority; PTDY(N2) Tolerance-payment; SUST(N1) Supplierstatistics; "
        "DTDY(N2) Tolerance-deliverydate; LIDT(D10) Lastinvoicedate; TECD(A3) Cashdiscountterm; "
        "REGR(N3) Invoiceaccountingtemplate; SUSY(N2) Numberofyearsofstatistics; SHAC(N1) Shipmentadvice; "
        "AVCD(A3) Activitycode; TAME(N1) Taxwithholdingmethod; TDCD(A4) Tradecode; "
        "IAPT(N1) Automaticinvoiceapprovalcode; IAPC(N1) Invoiceapprovalcondition1; "
        "IAPE(N1) Invoiceapprovalcondition2; IAPF(N1) Invoiceapprovalcondition3; "
        "CFI1(A10) User-definedfield1-item; CFI2(N17) User-definedfield2-item; "
        "CFI3(A3) User-definedfield3-item; CFI4(A5) User-definedfield4-item; "
        "CFI5(A1) User-definedfield5-item; CGRP(A10) Consolidation group; GEOC(N9) Geographical code; "
        "PPLV(N2) Level of purchase planning; CINP(N1) Claim invoice permitted; "
        "SCIS(A3) Rebate claim invoice setting ID"
    ),
    ("CRS620MI", "GetBasicData"): (
        "CONO(N3) Company; SUNO(A10) Suppliernumber; SUTY(N1) Suppliertype; SUNM(A36) Suppliername; "
        "ALSU(A10) Searchkey; STAT(A2) Status; CORG(A11) Organizationnumber1; COR2(A11) Organizationnumber2; "
        "LNCD(A2) Language; PHNO(A16) Telephonenumber1; PHN2(A16) Telephonenumber2; TLNO(A16) Telexnumber; "
        "TFNO(A16) Facsimiletransmissionnumber; CSCD(A3) Country; DTFM(A3) Dateformat; EDIT(A1) Dateediting; "
        "VRNO(A16) VATregistrationnumber; SUCO(A10) Suppliernumberwithingroup; "
        "SUAL(A3) Supplieralternativeidentity; SUCM(A20) Suppliercomutercommunicationaddress; "
        "MEPF(A2) Mediaprofile; PODA(N2) Transmissionleadtime-supplier; SFI1(A10) User-definedfield1-item; "
        "SFI2(N8) User-definedfield2-item; SFI3(A3) User-definedfield3-item; "
        "SFI4(A5) User-definedfield4-item; SFI5(A1) User-definedfield5-item; HAFE(A6) HarbourorAirport; "
        "TXID(N7) Textidentity; ECAR(A2) Area/State; FWSC(A4) SCACcode; SUCL(A3) Suppliergroup; "
        "QUCL(A2) Qualityclass; ORTY(A3) Ordertype; TEDL(A3) Deliveryterms; MODL(A3) Deliverymethod; "
        "TEAF(A3) Freightterms; TEPA(A3) Packagingterms; DT4T(N1) Datetype; DTCD(N1) Datecode; "
        "VTCD(N2) VATcode; TXAP(N1) Taxapplicable; TAXC(A3) Taxcodecustomer/address; CUCD(A3) Currency; "
        "CRTP(N2) Exchangeratetype; TEPY(A3) Paymentterms; PYME(A3) Paymentmethod-accountspayable; "
        "ATPR(A1) Attributepricingrule; ACRF(A8) User-definedaccountingcontrolobject; BUYE(A10) Buyer; "
        "RESP(A10) Authorizeduser; AGNT(A10) Agent; ABSK(A1) ABCclass-supplier; ABSM(N1) ABCmethod-supplier; "
        "PWMT(A10) PINcode; DCSM(N1) Discountcalculationmethod; FUSC(A3) Monitoringactivitylist; "
        "SPFC(A2) Monitoringclass; COBI(A10) Groupofcompanies; SCNO(A10) Suppliercustomernumber; "
        "SUGR(A10) Statisticalsupplier; SHST(N1) Shipmenttable; POOT(A3) Pointoftimetable; "
        "OUCN(A10) Ourcustomernumberatsupplier; TINO(A15) TaxIDforsupplier; PRSU(A10) Payee; "
        "SERS(N2) Servicecode; SBPE(N1) Self-billingpermitted; PACD(A1) Paymentpriority; "
        "PTDY(N2) Tolerance-payment; SUST(N1) Supplierstatistics; DTDY(N2) Tolerance-deliverydate; "
        "LIDT(D10) Lastinvoicedate; TECD(A3) Cashdiscountterm; REGR(N3) Invoiceaccountingtemplate; "
        "SUSY(N2) Numberofyearsofstatistics; SHAC(N1) Shipmentadvice; AVCD(A3) Activitycode; "
        "TAME(N1) Taxwithholdingmethod; TDCD(A4) Tradecode; IAPT(N1) Automaticinvoiceapprovalcode; "
        "IAPC(N1) Invoiceapprovalcondition1; IAPE(N1) Invoiceapprovalcondition2; "
        "IAPF(N1) Invoiceapprovalcondition3; CFI1(A10) User-definedfield1-item; "
        "CFI2(N17) User-definedfield2-item; CFI3(A3) User-definedfield3-item; "
        "CFI4(A5) User-definedfield4-item; CFI5(A1) User-definedfield5-item; CGRP(A10) Consolidation group; "
        "RASN(A10) Rail station; PPLV(N2) Level of purchase planning; TXI2(N13) Text identity; "
        "CINP(N1) Claim invoice permitted; SCIS(A3) Rebate claim invoice setting ID"
    ),
    ("APS200MI", "GetInvoice"): (
        "CONO(N3) Company; DIVI(A3) Division; YEA4(N4) Year; JRNO(N7) Journal number; "
        "JSNO(N7) Journal sequence number; TRCD(N2) Transaction code; SPYN(A10) Payee; "
        "SUNO(A10) Supplier number; SINO(A24) Supplier invoice number; INYR(N4) Invoice year; "
        "VSER(A3) Voucher number series; VONO(N8) Voucher number; IVTP(A2) Information type; "
        "TDSC(A10) Transaction description; APCD(A10) Authorized; IVBL(N1) Payment stop; "
        "BLBY(A10) Stopped by; BLDT(D10) Stop date; APRV(N1) Approved for payment; SUCL(A3) Supplier group; "
        "BKID(A5) Bank account identity; CUCD(A3) Currency; CRTP(N2) Exchange rate type; "
        "ARAT(N12) Exchange rate; CUAM(N17) Foreign currency amount; DCAM(N1) Decimal places for amount; "
        "VTAM(N17) VAT; IVDT(D10) Invoice date; DUDT(D10) Due date; ACDT(D10) Accounting date; "
        "TECD(A3) Cash discount term; PYTP(A2) Payment type; PYME(A3) Payment method - accounts payable; "
        "TEPY(A3) Payment terms; RECO(N1) Internal reconciliation code; "
        "REDE(D10) Internal reconciliation date; SLOP(N2) Accounting option - payt rcvd variances; "
        "PYST(N1) Status - payment; PYRS(A2) Remittance status; ARCD(N1) Filing code; ENME(N1) Entry method; "
        "TXID(N13) Text identity; TDCD(A4) Trade code"
    ),
    ("APS450MI", "AddHead"): ("INBN(N10) Invoice batch number"),
    ("APS450MI", "GetHead"): (
        "IBTP(A2) Invoice batch type; SUPA(N2) Invoice status; BIST(N1) Invoice progress; "
        "IBHE(N1) Invoice batch head error; IBLE(N1) Invoice batch line error; "
        "SINO(A24) Supplier invoice number; SPYN(A10) Payee; SUNO(A10) Supplier; IVDT(D10) Invoice date; "
        "CUCD(A3) Currency; ARAT(N13) Exchange rate; TEPY(A3) Payment terms; "
        "PYME(A3) Payment method - accounts payable; TDCD(A4) Trade code; CUAM(N17) Foreign currency amount; "
        "VTAM(N17) VAT; VONO(N8) Voucher number; VSER(A3) Voucher number series; ACDT(D10) Accounting date; "
        "APCD(A10) Authorized user; IMCD(A1) Invoice matching; SERS(N2) Service code; DUDT(D10) Due date; "
        "FECN(A10) Future rate agreement number; CRTP(N2) Exchange rate type; FTCO(A3) From/to country; "
        "BSCD(A3) Base country; TLNA(N17) Total line amount - net; TCHG(N17) Total charges; "
        "TOPA(N17) Total due; PUNO(A10) Purchase order number; PUDT(D10) Order date; "
        "TECD(A3) Cash discount term; CDT1(D10) Cash discount date 1; CDP1(N6) Cash discount percentage; "
        "CDC1(N17) Cash discount amount 1; CDT2(D10) Cash discount date 2; "
        "CDP2(N6) Cash discount percentage; CDC2(N17) Cash discount amount 2; "
        "CDT3(D10) Cash discount date 3; CDP3(N6) Cash discount percentage; "
        "CDC3(N17) Cash discount amount 3; TTXA(N17) Total taxable amount; TASD(N17) Cash discount base; "
        "PRPA(N17) Prepaid amount; VRNO(A16) VAT registration number; TXAP(N1) Tax applicable; "
        "DNCO(A3) Document code; SUAC(N1) Supplier acceptance; SBAD(N1) Conditions for adding lines; "
        "UPBI(N1) Invoice per receiving number; SDAP(A3) AP standard document; DNRE(A8) Debit note reason; "
        "PYAD(A3) Our invoicing address; SDA1(A60) Text line 1; SDA2(A60) Text line 2; "
        "SDA3(A60) Text line 3; EALP(A17) EAN location code payee; EALR(A17) EAN location code consignee; "
        "EALS(A17) EAN location code supplier; DEDA(D10) Delivery date; ADAB(N17) Adjusted amount; "
        "AAPD(D10) Approval date; CRNO(A30) Credit number; YRE1(A36) Your reference; "
        "SCRE(A2) Rejection reason; RPAA(N1) Reprint after adjustment; REJD(D10) Rejection date; "
        "RGDT(D10) Entry date; LMDT(D10) Change date; BKID(A5) Bank account identity; "
        "GEOC(N9) Geographical code; TXIN(N1) Tax included; DNOI(A24) Original invoice number; "
        "OYEA(N4) Original year; PPYR(A45) Reference number; PPYN(A15) Payment request  number; "
        "YEA4(N4) Year; CORI(A36) Correlation ID"
    ),
    ("APS450MI", "LstLines"): (
        "TRNO(N7) Transaction number; RDTP(N2) Line type; IBLE(N1) Invoice batch line error; "
        "SERS(N2) Service code; NLAM(N17) Net amount - line; ADAB(N17) Adjusted amount; CUCD(A3) Currency; "
        "VTA1(N17) VAT amount 1; VTA2(N17) VAT amount 2; VTCD(N2) VAT code; PUNO(A10) Purchase order number; "
        "PNLI(N3) Purchase order line; PNLS(N3) Purchase order line subnumber; "
        "IVQA(N17) Invoiced quantity - alternate U/M; PUUN(A3) Purchase order U/M; GRPR(N19) Gross price; "
        "PPUN(A3) Purchase price U/M; NEPR(N19) Net price; PUCD(N5) Purchase price quantity; "
        "GLAM(N17) Gross amount - line; DIPC(N7) Discount; DIAM(N17) Discount amount; "
        "IVCW(N17) Invoiced catch weight; ITNO(A15) Item number; POPN(A30) Alias number; "
        "SBAN(A10) Self-billing agreement number; CDSE(N4) Sequence number - costing element; "
        "CEID(A6) Costing element; REPN(N10) Receiving number; RELP(N1) Receipt type; "
        "SUDO(A20) Delivery note number; DNDT(D10) Delivery note date; RGDT(D10) Entry date; "
        "LMDT(D10) Change date; VTP1(N7) VAT rate 1; VTP2(N7) VAT rate 2; CINO(A15) Invoice number; "
        "INYR(N4) Invoice year"
    ),
    ("GLS215MI", "LstPerBalances"): (
        "PTID(N17) Pointer ID; VTYP(N1) Value type; BUNO(N3) Budget number; BVER(A4) Budget version; "
        "YEA4(N4) Year; PERI(N2) Period; ACAD(N17) Accounted amount (debit); "
        "ACAC(N17) Accounted amount (credit); CUAD(N17) Currency amount (debit); "
        "CUAC(N17) Currency amount (credit); ACQD(N17) Accounted quantity (debit); "
        "ACQC(N17) Accounted quantity (credit); TCAD(N17) Third currency amount - debit; "
        "TCAC(N17) Third currency amount - credit; IAAD(N17) Internal accounted amount (debit); "
        "IAAC(N17) Internal accounted amount (credit); ICUD(N17) Internal currency amount (debit); "
        "ICUC(N17) Internal currency amount (credit); ITAD(N17) Internal 3rd currency amount (debit); "
        "ITAC(N17) Internal 3rd currency amount (credit); THCC(A3) Third currency code"
    ),
    ("APS130MI", "LstInvByPayDate"): (
        "CONO(N3) Company; DIVI(A3) Division; PRPN(N10) Payment proposal; PYON(N5) Payment order; "
        "PDNB(N5) Payment document number; SPYN(A10) Payee; SUNO(A10) Supplier number; "
        "SCNO(A10) Supplier customer number; ODIV(A3) Original division; SINO(A24) Supplier invoice number; "
        "INYR(N4) Invoice year; BKID(A5) Bank account identity; BLCD(N1) Customer stop; "
        "IVDT(D10) Invoice date; DUDT(D10) Due date; RVDT(D10) Follow-up date; "
        "ADCR(N2) Additional credit days; BDAD(N4) Adjustment days payment day; PYDT(D10) Payment date; "
        "IVCU(N17) Invoice amount - currency; IVAM(N17) Invoice amount - foreign currency; "
        "CUCD(A3) Currency; ARAT(N12) Exchange rate; ORAT(N14) Original exchange rate; "
        "PRCU(N17) Ref field for amount; PRAM(N17) Ref field for amount; RECU(N17) Amount due; "
        "REAM(N17) Outstanding amount recorded; CDDT(D10) Cash discount date; "
        "CDPC(N5) Cash discount percentage; CDCU(N17) Cash discount amount currency; "
        "CDAM(N17) Cash discount amount accounted; TECD(A3) Cash discount term; PYTP(A2) Payment type; "
        "PYCU(N17) Paid amount currency; PYAM(N17) Payment amount; FECN(A10) Future rate agreement number; "
        "AIT1(A10) Accounting dimension 1; AIT2(A10) Accounting dimension 2; "
        "AIT3(A10) Accounting dimension 3; AIT4(A10) Accounting dimension 4; "
        "AIT5(A10) Accounting dimension 5; AIT6(A10) Accounting dimension 6; "
        "AIT7(A10) Accounting dimension 7; APCD(A10) Authorized; SUCL(A3) Supplier group; STCF(N1) Status; "
        "QUYE(N4) Quota validity year; QUMO(N2) Quota validity month; QUPR(N2) Quota priority; "
        "QUPM(A3) Quota validity payment method; QUCC(A3) Quota validity currency code; "
        "TYPP(A2) Type of payment; SPTY(A1) Recurring payment type; TDCD(A4) Trade code; "
        "IRE1(A20) Invoice reference field 1; IRE2(A20) Invoice reference field 2; "
        "IRE3(A20) Invoice reference field 3; AV03(A30) Product name; AV04(N3) Product list; "
        "AV05(A7) Country code - description; AV06(N3) Country code - trade statistics (TST); "
        "AV15(A7) Country code - description; AV16(N3) Country code - trade statistics (TST); "
        "AW07(A7) Country code - description; AW08(N3) Country code - trade statistics (TST); "
        "AV08(A1) Transit; AV09(A1) Interrupt transit; AV10(A1) Unsold transit goods domestic warehouse; "
        "AV11(A1) Unsold transit goods - foreign warehouse; AV13(A4) Due date sale; "
        "AV17(N13) Sales price for transit trade; AW03(N2) Return type; AW04(N4) Code service ID; "
        "WACA(N17) Withheld tax - foreign currency; WAAM(N17) Withheld tax - local currency; "
        "PPYR(A25) Reference number; VTAM(N17) VAT; VTAN(N17) Net amount reported"
    ),
    ("GLS840MI", "AddBatchHead"): "CONO(N3) Company",
    ("GLS840MI", "AddBatchLine"): "CONO(N3) Company",
    ("GLS840MI", "CtrlBatch"): "CONO(N3) Company",
    ("GLS840MI", "UpdBatch"): "CONO(N3) Company",
}

# ASSUMPTION: GetAccountID answers the same record as LstAccountID (M3H5's GetAccountID response is not in the notes).
_TEXT[("CRS630MI", "GetAccountID")] = _TEXT[("CRS630MI", "LstAccountID")]
_FIELD = re.compile(r"^(\w+)\(([AND])(\d+)\)\s*(.*)$")


@dataclass(frozen=True)
class Field:
    """One MI field as M3's metadata describes it."""

    name: str
    type: str  # A, N or D
    length: int
    description: str


def _parse(text: str) -> dict[str, Field]:
    fields: dict[str, Field] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        match = _FIELD.match(part)
        if match is None:
            raise ValueError(f"bad field definition {part!r}")
        name, kind, length, description = match.groups()
        fields[name] = Field(name, kind, int(length), description)
    return fields


OUTPUTS: dict[tuple[str, str], dict[str, Field]] = {key: _parse(text) for key, text in _TEXT.items()}


def output_fields(program: str, transaction: str) -> dict[str, Field] | None:
    """The documented output fields of a transaction, in M3's order; None when the notes do not list them."""
    return OUTPUTS.get((program.upper(), transaction))
