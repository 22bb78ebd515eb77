"""The one HTTP layer every system client uses: transport, retry, request budget, redaction, tokens.

Domain code never sees these types; `ml_connector.systems.*` clients wrap them.
"""

from __future__ import annotations

from ml_connector.http.budget import BudgetRegistry, RequestBudget, TokenBucket
from ml_connector.http.redaction import Redactor, mask_fields, redact_url
from ml_connector.http.retry import RetryPolicy, RetrySettings
from ml_connector.http.session import ApiSession, Authenticator
from ml_connector.http.tokens import CachedToken, TokenKeeper
from ml_connector.http.traffic import Traffic
from ml_connector.http.transport import make_client

__all__ = [
    "ApiSession",
    "Authenticator",
    "BudgetRegistry",
    "CachedToken",
    "Redactor",
    "RequestBudget",
    "RetryPolicy",
    "RetrySettings",
    "TokenBucket",
    "TokenKeeper",
    "Traffic",
    "make_client",
    "mask_fields",
    "redact_url",
]
