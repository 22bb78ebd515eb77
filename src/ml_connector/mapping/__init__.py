"""Mapping ERP codes to Anaplan list members and ERP periods to Anaplan time periods."""

from __future__ import annotations

from ml_connector.mapping.periods import PeriodFormat
from ml_connector.mapping.rules import Dimension, MappingTable, Rule, RuleKind

__all__ = ["Dimension", "MappingTable", "PeriodFormat", "Rule", "RuleKind"]
