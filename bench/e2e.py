"""What users feel: `ml-connector run actuals-oracle` (T1) against a bare read of the same source (T0).

python -m bench.e2e --lines 200000            # make bench runs this
python -m bench.e2e --lines 1000000 --rounds 1
python -m bench.e2e --lines 200000 --extract bulk   # GL lines through one exportBulkData extract
python -m bench.e2e --lines 200000 --extract bulk --no-bare-read --rounds 1   # T1 only
python -m bench.e2e --lines 200000 --read-parallel 1   # the run sending one GET at a time, as T0 does

The Oracle emulator is seeded with N extra posted lines (its volume option). T0 is a bare httpx loop
that reads the very collections the product reads (journal batches, their headers and lines, invoices,
payments) with the same parameters and page size, and throws the data away. T1 is the real command in
a child process, end to end on SQLite: read, map, stage, total, upload, import, verify, commit. Each
round gets a fresh store (after an untimed reference run), so every T1 reads everything; T0 and T1
alternate, so a noisy machine slows both. Figures: the median of each, T1/T0 per round, the run's peak
RSS, the bytes it left on disk and the requests it made per system.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from ml_connector.demo.sandbox import ORACLE_PASSWORD, ORACLE_USER, Emulators, configure, start_emulators

REST = "/fscmRestApi/resources/11.13.18.05"
HEADERS = {"REST-Framework-Version": "2", "Accept": "application/json"}
PAGE = 499
CLI = [str(Path(sys.executable).parent / "ml-connector")]


def collection(client: httpx.Client, path: str, params: dict[str, str]) -> Iterator[dict[str, Any]]:
    offset = 0
    while True:
        body = client.get(path, params={**params, "limit": str(PAGE), "offset": str(offset)}).json()
        items = body.get("items") or []
        yield from items
        if len(items) < min(PAGE, int(body.get("limit") or PAGE)):
            return
        offset += len(items)


def bare_read(base: str) -> int:
    """T0: every page the product reads, parsed as JSON and dropped. Returns the lines seen."""
    lines = 0
    auth = (ORACLE_USER, ORACLE_PASSWORD)
    with httpx.Client(base_url=base, auth=auth, headers=HEADERS, timeout=60) as client:
        ordered = {"orderBy": "JeBatchId:asc", "onlyData": "true"}
        for batch in collection(client, f"{REST}/journalBatches", ordered):
            if batch.get("Status") != "P":
                continue
            batch_id = batch["JeBatchId"]
            for header in collection(client, f"{REST}/journalBatches/{batch_id}/child/journalHeaders", {}):
                link = next((x["href"] for x in header.get("links", []) if x.get("rel") == "self"), None)
                if link is None:
                    continue
                path = httpx.URL(link).path + "/child/journalLines"
                lines += sum(1 for _ in collection(client, path, {}))
        for name, key in (("invoices", "InvoiceId"), ("payablesPayments", "CheckId")):
            lines += sum(1 for _ in collection(client, f"{REST}/{name}", {"orderBy": f"{key}:asc", "onlyData": "true"}))
    return lines


class OracleProcess:
    """The Oracle emulator in a process of its own (`ml-connector emulate oracle --extra-lines N`), so the
    bare read and the emulator do not share one interpreter."""

    def __init__(self, lines: int, seed: int) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own CLI
            [*CLI, "emulate", "oracle", "--port", "0", "--extra-lines", str(lines), "--seed", str(seed)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        facts = json.loads(self.process.stdout.readline())
        self.url = str(facts["base_url"])
        for _ in range(600):
            try:
                if httpx.get(f"{self.url}/_emulator/health", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise SystemExit("the Oracle emulator did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def fast_config(path: Path, extract: str = "rest", read_parallel: int | None = None) -> None:
    """The bench measures the product's own work: no tenant budget throttles either side. `extract` is
    the actuals flow's route for GL lines; `read_parallel` the Oracle connection's (default: its own)."""
    text = path.read_text(encoding="utf-8").replace("requests_per_minute = 6000", "requests_per_minute = 10000000")
    text = text.replace("\n[flows.actuals-oracle]\n", f'\n[flows.actuals-oracle]\nextract = "{extract}"\n')
    if read_parallel is not None:
        text = text.replace("[connections.oracle]\n", f"[connections.oracle]\nread_parallel = {read_parallel}\n", 1)
    path.write_text(text, encoding="utf-8")


def requests(emulators: Emulators) -> dict[str, int]:
    return {s: int(httpx.get(f"{emulators.url(s)}/_emulator/stats").json()["total"]) for s in ("oracle", "anaplan")}


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def timed_run(config: Path, flow: str) -> tuple[float, int, str]:
    """(wall seconds, peak RSS in bytes, output) of `ml-connector run FLOW` in a child process, its peak
    measured by a small go-between (bench/peak.py), so the benchmark's own memory is not counted."""
    with tempfile.TemporaryDirectory(prefix="mlc-peak-") as folder:
        peak_file = Path(folder) / "peak"
        started = time.perf_counter()
        child = subprocess.run(  # noqa: S603 - our own CLI
            [sys.executable, "-m", "bench.peak", str(peak_file), *CLI, "--config", str(config), "run", flow],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=Path(__file__).resolve().parent.parent,
            check=False,
        )
        seconds = time.perf_counter() - started
        output = child.stdout.decode(errors="replace")
        if child.returncode != 0:
            raise SystemExit(f"`run {flow}` exited {child.returncode}:\n{output[-3000:]}")
        return seconds, int(peak_file.read_text(encoding="utf-8")), output


def main(
    lines: int, rounds: int, seed: int, extract: str = "rest", bare: bool = True, read_parallel: int | None = None
) -> dict[str, Any]:
    emulators = start_emulators()
    oracle = OracleProcess(lines, seed)
    emulators.servers["oracle"].stop()
    emulators.servers["oracle"] = oracle  # type: ignore[assignment]  # the flows read the seeded process
    try:
        base = oracle.url
        pairs: list[dict[str, float | int]] = []
        with tempfile.TemporaryDirectory(prefix="mlc-e2e-") as work:
            for number in range(rounds):
                box = configure(emulators, Path(work) / f"round-{number}")
                fast_config(box.config_path, extract, read_parallel)
                timed_run(box.config_path, "reference-oracle")
                t0_started = time.perf_counter()
                # Without the bare read (--no-bare-read), T0 and T1/T0 are 0 and the lines are the extra ones.
                seen = bare_read(base) if bare else lines
                t0 = time.perf_counter() - t0_started if bare else 0.0
                before_bytes, before_requests = folder_bytes(box.folder), requests(emulators)
                t1, peak, _output = timed_run(box.config_path, "actuals-oracle")
                after = requests(emulators)
                pairs.append(
                    {
                        "t0_seconds": round(t0, 2),
                        "t1_seconds": round(t1, 2),
                        "ratio": round(t1 / t0, 2) if t0 else 0.0,
                        "peak_rss_mib": round(peak / 2**20, 1),
                        "bytes_written": folder_bytes(box.folder) - before_bytes,
                        "lines_read_t0": seen,
                        **{f"requests_{s}": after[s] - before_requests[s] for s in after},
                    }
                )
    finally:
        emulators.stop()
    last = pairs[-1]
    return {
        "benchmark": "e2e_actuals_oracle",
        "extract": extract,
        "read_parallel": read_parallel or "default",
        "extra_lines": lines,
        "rounds": pairs,
        "t0_median_seconds": statistics.median(p["t0_seconds"] for p in pairs),
        "t1_median_seconds": statistics.median(p["t1_seconds"] for p in pairs),
        "ratio_median": statistics.median(p["ratio"] for p in pairs),
        "peak_rss_mib_max": max(p["peak_rss_mib"] for p in pairs),
        "bytes_written_per_line": round(int(last["bytes_written"]) / max(1, int(last["lines_read_t0"])), 1),
        "requests_oracle": last["requests_oracle"],
        "requests_anaplan": last["requests_anaplan"],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--extract",
        choices=("rest", "bulk"),
        default="rest",
        help="the actuals flow's route (GL lines, invoices, payments)",
    )
    parser.add_argument("--no-bare-read", dest="bare", action="store_false", help="time the run (T1) only")
    parser.add_argument("--read-parallel", type=int, help="the Oracle connection's read_parallel (default: its own)")
    options = parser.parse_args()
    figures = main(options.lines, options.rounds, options.seed, options.extract, options.bare, options.read_parallel)
    print(json.dumps(figures))
