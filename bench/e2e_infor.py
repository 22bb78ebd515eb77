"""What users feel on Infor M3: `ml-connector run` of an actuals flow (GL lines) read by REST or by the Data Lake.

python -m bench.e2e_infor --lines 200000 --extract rest
python -m bench.e2e_infor --lines 200000 --extract bulk
python -m bench.e2e_infor --lines 50000 --extract both      # rest and bulk, alternating per round

The Infor emulator runs in a process of its own (`ml-connector emulate infor --extra-lines N`), seeded with N
extra posted GL lines. Each round gets a fresh store (after an untimed reference run), so the timed run reads
every line: REST pages through M3 GLS200MI; bulk submits one Compass query and reads its result pages. Figures
per extract: the median wall time of `run`, its peak RSS, and the requests it made to Infor and to Anaplan.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.e2e import CLI, fast_config, timed_run
from ml_connector.demo.sandbox import configure, start_emulators

FLOW = """
[flows.bench-{extract}]
kind = "actuals"
source = "infor"
target = "anaplan"
mapping = "infor"
workspace = "Acme Finance"
model = "FP&A"
include = ["gl"]
extract = "{extract}"
"""


class InforProcess:
    """`ml-connector emulate infor --extra-lines N` in a child process."""

    def __init__(self, lines: int, seed: int) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own CLI
            [*CLI, "emulate", "infor", "--port", "0", "--extra-lines", str(lines), "--seed", str(seed)],
            stdout=subprocess.PIPE,
            text=True,
        )
        if self.process.stdout is None:
            raise SystemExit("the Infor emulator gave no output")
        facts = json.loads(self.process.stdout.readline())
        self.url = str(facts["iu"])  # base_url carries the tenant
        for _ in range(1200):
            try:
                if httpx.get(f"{self.url}/_emulator/health", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise SystemExit("the Infor emulator did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def totals(urls: dict[str, str]) -> dict[str, int]:
    return {s: int(httpx.get(f"{u}/_emulator/stats", timeout=30).json()["total"]) for s, u in urls.items()}


def main(lines: int, rounds: int, seed: int, extracts: list[str]) -> dict[str, Any]:
    emulators = start_emulators()
    infor = InforProcess(lines, seed)
    emulators.servers["infor"].stop()
    emulators.servers["infor"] = infor  # type: ignore[assignment]  # the flows read the seeded process
    urls = {"infor": infor.url, "anaplan": emulators.url("anaplan")}
    runs: dict[str, list[dict[str, float | int]]] = {e: [] for e in extracts}
    try:
        with tempfile.TemporaryDirectory(prefix="mlc-e2e-infor-") as work:
            for number in range(rounds):
                for extract in extracts:
                    box = configure(emulators, Path(work) / f"round-{number}-{extract}")
                    fast_config(box.config_path)
                    with box.config_path.open("a", encoding="utf-8") as config:
                        config.write(FLOW.format(extract=extract))
                    timed_run(box.config_path, "reference-infor")
                    before = totals(urls)
                    seconds, peak, _output = timed_run(box.config_path, f"bench-{extract}")
                    after = totals(urls)
                    runs[extract].append(
                        {
                            "seconds": round(seconds, 2),
                            "peak_rss_mib": round(peak / 2**20, 1),
                            **{f"requests_{s}": after[s] - before[s] for s in after},
                        }
                    )
    finally:
        infor.stop()
        emulators.servers.pop("infor")
        emulators.stop()
    return {
        "benchmark": "e2e_actuals_infor_m3",
        "extra_lines": lines,
        "rounds": runs,
        **{
            extract: {
                "seconds_median": statistics.median(r["seconds"] for r in done),
                "peak_rss_mib_max": max(r["peak_rss_mib"] for r in done),
                "requests_infor": done[-1]["requests_infor"],
                "requests_anaplan": done[-1]["requests_anaplan"],
            }
            for extract, done in runs.items()
        },
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--extract", choices=["rest", "bulk", "both"], default="both")
    options = parser.parse_args()
    chosen = ["rest", "bulk"] if options.extract == "both" else [options.extract]
    print(json.dumps(main(options.lines, options.rounds, options.seed, chosen)))
