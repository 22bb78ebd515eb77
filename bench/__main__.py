"""Run every benchmark in a fresh process each (so peak memory is per benchmark) and save the figures.

python -m bench                 # all
python -m bench audit pipeline  # some
python -m bench e2e             # `run actuals-oracle` against a bare read of the same source, 200k lines
python -m bench m3_pager        # the M3 date-window pager over 200k lines: calls against the page floor
python -m bench budget          # the store-kept request budget's cost per request, before and after blocks
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
CASES: dict[str, list[list[str]]] = {
    "audit": [["bench.audit_bulk", "100000"]],
    "pipeline": [["bench.pipeline", str(n)] for n in (50_000, 200_000, 1_000_000)],
    "e2e": [["bench.e2e", "--lines", "200000"]],
    "m3_pager": [["bench.m3_pager", "--lines", "200000"]],
    "budget": [["bench.budget", "5000"]],
    "emulator_volume": [["bench.emulator_volume", system, "1000000"] for system in ("oracle", "infor", "anaplan")],
}


def main(names: list[str]) -> int:
    RESULTS.mkdir(exist_ok=True)
    for name in names or list(CASES):
        figures = []
        for module, *args in CASES[name]:
            out = subprocess.run(
                [sys.executable, "-m", module, *args], check=True, capture_output=True, text=True
            ).stdout
            figure = json.loads(out.strip().splitlines()[-1])
            print(json.dumps(figure))
            figures.append(figure)
        (RESULTS / f"{name}.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(f"figures written to {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
