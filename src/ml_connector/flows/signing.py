"""The one sign rule of a flow (`mapping.signs`), built from its settings and its ERP's account types."""

from __future__ import annotations

from ml_connector.config import FlowSection
from ml_connector.mapping.signs import SignRule, flow_sign_rule
from ml_connector.ports import ErpClient


def flow_signs(flow: FlowSection, erp: ErpClient) -> SignRule:
    """No rule (and no ERP read) unless the flow sets `flip_signs`."""
    return flow_sign_rule(flow.flip_signs, flow.account_types, lambda: erp.accounts())
