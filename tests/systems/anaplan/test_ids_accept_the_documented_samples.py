"""The client's id checks accept Anaplan's documented sample ids for their kind and refuse them for any other.

The client keeps its own prefix table (`systems/anaplan/ids.py`); this tests it against the golden file
(tests/golden/anaplan/object_ids.json), never against the emulator's numbering.
"""

from __future__ import annotations

import pytest

from ml_connector.errors import ConfigurationError
from ml_connector.systems.anaplan.ids import check_hex_id, check_object_id, looks_like_object_id
from tests.golden.files import anaplan_object_ids

GOLDEN = anaplan_object_ids()
KINDS = sorted(GOLDEN["prefix_table"])


@pytest.mark.parametrize("kind", KINDS)
def test_object_ids_of_a_kind_pass_and_fail_for_other_kinds(kind: str) -> None:
    samples = GOLDEN[kind] or [GOLDEN["prefix_table"][kind] + "000000001"]
    for sample in samples:
        assert looks_like_object_id(sample) and check_object_id(kind, sample) == sample
        for other in KINDS:
            if GOLDEN["prefix_table"][other] != GOLDEN["prefix_table"][kind]:
                with pytest.raises(ConfigurationError, match=f"not a valid Anaplan {other} id"):
                    check_object_id(other, sample)


def test_workspace_and_model_samples_are_hex_ids() -> None:
    for kind in ("workspace", "model"):
        for sample in GOLDEN[kind]:
            assert check_hex_id(kind, sample) == sample
            assert not looks_like_object_id(sample)
