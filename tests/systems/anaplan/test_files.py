"""Chunked upload (plain, gzip, parallel) overwriting the same file id; streaming export download."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from ml_connector.errors import ConfigurationError
from ml_connector.systems.anaplan import AnaplanClient, ChunkedUpload
from ml_connector.systems.anaplan.files import chunk_plan


def big_file(path: Path, size: int) -> Path:
    line = b"4000,1100,Jan 27,123.45\n"
    with path.open("wb") as out:
        out.write(b"GL Account,Cost Center,Period,Amount\n")
        while out.tell() < size:
            out.write(line)
    return path


def stored(admin: httpx.Client, facts: dict[str, Any], file_id: str) -> bytes:
    return admin.get(f"/models/{facts['model_id']}/files/{file_id}").content


@pytest.mark.parametrize("gzip", [False, True])
def test_upload_multi_chunk(
    make_client: Callable[..., AnaplanClient], admin: httpx.Client, facts: dict[str, Any], tmp_path: Path, gzip: bool
) -> None:
    client = make_client(gzip=gzip, upload_parallel=3)
    source = big_file(tmp_path / "actuals.csv", 2_600_000)
    result = client.upload(client.model(), "actuals.csv", source)
    assert result.file_id == "113000000003" and result.chunks == 3
    assert stored(admin, facts, "113000000003") == source.read_bytes()
    if gzip:
        assert result.bytes_sent < result.bytes_read / 5
    else:
        assert result.bytes_sent == result.bytes_read
    puts = admin.get("/stats").json()["requests"]
    assert sum(v.get("204", 0) for k, v in puts.items() if k.startswith("PUT ")) == 3


def test_upload_overwrites_the_same_file(
    client: AnaplanClient, admin: httpx.Client, facts: dict[str, Any], tmp_path: Path
) -> None:
    ref = client.model()
    first = tmp_path / "one.csv"
    first.write_text("Code,Name\nA,Alpha\nB,Beta\n")
    second = tmp_path / "two.csv"
    second.write_text("Code,Name\nC,Gamma\n")
    client.upload(ref, "113000000000", first)
    client.upload(ref, "gl_accounts.csv", second)
    assert stored(admin, facts, "113000000000") == second.read_bytes()
    files = admin.get("/info").json()["models"][0]["import_files"]
    assert len(files) == 10  # the seeded import files; no new private file was made


def test_empty_file_is_one_empty_chunk(
    client: AnaplanClient, admin: httpx.Client, facts: dict[str, Any], tmp_path: Path
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert client.upload(client.model(), "gl_accounts.csv", empty).chunks == 1
    assert stored(admin, facts, "113000000000") == b""


def test_chunk_plan_and_limits(client: AnaplanClient) -> None:
    assert chunk_plan(0, 10) == [(0, 0)]
    assert chunk_plan(25, 10) == [(0, 10), (10, 10), (20, 5)]
    with pytest.raises(ConfigurationError, match="1 to 50 MB"):
        ChunkedUpload(client.api, chunk_bytes=51_000_000)


def test_export_streams_to_disk(client: AnaplanClient, tmp_path: Path) -> None:
    dest = client.export(client.model(), "Export Approved Budget", tmp_path / "out" / "budget.csv")
    with dest.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and set(rows[0]) == {"GL Account", "Cost Center", "Period", "Amount"}
    assert not (tmp_path / "out" / "budget.csv.part").exists()
    # One seeded cell is not approved, so it is not exported.
    assert not any(r["GL Account"] == "6300" and r["Cost Center"] == "1100" and r["Period"] == "Dec 26" for r in rows)
