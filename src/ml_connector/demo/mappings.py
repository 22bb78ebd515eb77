"""The demo's mapping sets: ERP codes are Anaplan codes, except that only known cost centers map."""

from __future__ import annotations

INFOR = """dimension,kind,source,target
account,pattern,*,=
cost_center,exact,1100,1100
cost_center,exact,1200,1200
cost_center,exact,1300,1300
cost_center,exact,1900,1900
supplier,pattern,*,=
"""

ORACLE = """dimension,kind,source,target
account,pattern,*,=
cost_center,exact,3100,3100
cost_center,exact,3200,3200
cost_center,exact,3300,3300
cost_center,exact,3900,3900
supplier,pattern,*,=
"""

# The same codes, plus the entity (M3 division) as its own member: for the entity-and-currency module.
INFOR_ENTITIES = INFOR + "entity,pattern,*,=\n"
