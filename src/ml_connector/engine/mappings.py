"""Mapping sets kept in the store: load, replace from CSV, export."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from ml_connector.mapping.rules import Dimension, MappingTable, Rule, RuleKind
from ml_connector.store.database import Store
from ml_connector.store.models import MappingRule


def load_mapping(store: Store, name: str) -> MappingTable:
    with store.session() as session:
        rows = session.execute(
            select(MappingRule).where(MappingRule.mapping == name).order_by(MappingRule.position, MappingRule.id)
        ).scalars()
        rules = [Rule(Dimension(r.dimension), RuleKind(r.kind), r.source, r.target) for r in rows]
    return MappingTable(name, rules)


def replace_mapping(store: Store, name: str, rules: list[Rule]) -> int:
    """Replace the whole set in one transaction (a half-imported mapping is never visible)."""
    with store.session() as session:
        session.execute(delete(MappingRule).where(MappingRule.mapping == name))
        session.add_all(
            MappingRule(
                mapping=name,
                dimension=r.dimension.value,
                kind=r.kind.value,
                source=r.source,
                target=r.target,
                position=i,
            )
            for i, r in enumerate(rules)
        )
    return len(rules)


def mapping_names(store: Store) -> list[str]:
    with store.session() as session:
        return sorted(session.execute(select(MappingRule.mapping).distinct()).scalars())


def add_rule(store: Store, name: str, rule: Rule) -> bool:
    """Add one rule to a mapping set, after its others (or change the target of the same rule); True when new."""
    with store.session() as session:
        same = session.execute(
            select(MappingRule).where(
                MappingRule.mapping == name,
                MappingRule.dimension == rule.dimension.value,
                MappingRule.kind == rule.kind.value,
                MappingRule.source == rule.source,
            )
        ).scalar_one_or_none()
        if same is not None:
            same.target = rule.target
            return False
        last = session.execute(select(func.max(MappingRule.position)).where(MappingRule.mapping == name)).scalar()
        session.add(
            MappingRule(
                mapping=name,
                dimension=rule.dimension.value,
                kind=rule.kind.value,
                source=rule.source,
                target=rule.target,
                position=(last or 0) + 1,
            )
        )
        return True
