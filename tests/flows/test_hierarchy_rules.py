"""The pure parts of hierarchies: which members cannot be sent under their parent (whatever the shape of
the parent links, cycles included, the check ends and names the loop), and the parents file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml_connector.errors import ConfigurationError
from ml_connector.flows.hierarchy import parent_problem, read_parents_file
from ml_connector.records import Hierarchy

MEMBERS = [f"M{n}" for n in range(6)]
GROUPS = ["G1", "G2"]
ANY_PARENT = st.sampled_from([*MEMBERS, *GROUPS, "", "UNKNOWN"])


@given(st.dictionaries(st.sampled_from(MEMBERS), ANY_PARENT))
def test_a_member_is_refused_exactly_when_its_parent_is_not_a_parent_member(links: dict[str, str]) -> None:
    hierarchy = Hierarchy(parents=links, groups={g: g.lower() for g in GROUPS})
    for code in MEMBERS:
        problem = parent_problem(code, hierarchy, set(MEMBERS))
        parent = links.get(code, "")
        assert (problem is None) == (parent in ("", *GROUPS)), (code, links, problem)
        if parent == code:
            assert problem == f"{code!r} is its own parent"
        elif problem and "cycle" in problem:
            loop = problem.split(": ", 1)[1].split(" -> ")
            assert loop[0] == loop[-1] == code and len(loop) >= 3
            assert all(links[a] == b for a, b in zip(loop, loop[1:], strict=False))
        elif parent in MEMBERS:
            assert problem == f"its parent {parent!r} is itself a member of the list, not one of the parent members"
        elif parent == "UNKNOWN":
            assert problem == "its parent 'UNKNOWN' is unknown: no parent member has that code"


def test_the_reasons_name_what_is_wrong() -> None:
    hierarchy = Hierarchy(parents={"A": "B", "B": "A", "C": "A", "D": "G", "E": "X"}, groups={"G": "Group"})
    members = {"A", "B", "C", "D", "E"}
    assert parent_problem("A", hierarchy, members) == "its parents form a cycle: A -> B -> A"
    # C is not in the loop, but its parent is a posting member, not a parent member.
    assert parent_problem("C", hierarchy, members) == (
        "its parent 'A' is itself a member of the list, not one of the parent members"
    )
    assert parent_problem("D", hierarchy, members) is None
    assert "unknown" in (parent_problem("E", hierarchy, members) or "")


codes = st.text(alphabet="ABCDEFGHJK0123456789-", min_size=1, max_size=6)


@given(
    st.dictionaries(codes, codes, max_size=8),
    st.dictionaries(codes.map(lambda c: "G" + c), st.text(alphabet="abc xyz,\"'", min_size=1, max_size=12), max_size=4),
)
def test_a_parents_file_reads_back_what_was_written(
    tmp_path_factory: pytest.TempPathFactory, parents: dict[str, str], groups: dict[str, str]
) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["kind", "code", "parent", "name"])
    for code, name in groups.items():
        writer.writerow(["account_group", code, "", name])
    for code, parent in parents.items():
        writer.writerow(["account", code, parent, ""])
    path = tmp_path_factory.mktemp("parents") / "parents.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    read = read_parents_file(path)
    if not parents and not groups:
        assert read == {}
        return
    assert read == {"account": Hierarchy(parents=parents, groups={c: n.strip() or c for c, n in groups.items()})}


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("code,parent\n6100,OPEX\n", "must start with the header kind,code,parent,name"),
        ("kind,code,parent,name\nsegment,6100,OPEX,\n", "line 2"),
        ("kind,code,parent,name\naccount,,OPEX,\n", "line 2"),
    ],
)
def test_a_bad_parents_file_says_where(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "parents.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError) as info:
        read_parents_file(path)
    assert says in info.value.message


def test_a_missing_parents_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot read the parents file"):
        read_parents_file(tmp_path / "nowhere.csv")
