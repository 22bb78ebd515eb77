"""The four flows: reference and actuals (ERP → Anaplan), plan-return and suppliers-return (Anaplan → ERP)."""
