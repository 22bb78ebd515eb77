"""`python -m chaos`: run the fault suite, print a table, write JSON; exit 1 on any violation."""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from chaos.scenarios import ORDER, Chaos, Tally
from ml_connector.demo.sandbox import start_emulators

RESULTS = Path(__file__).parent / "results" / "chaos.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chaos", description=__doc__)
    parser.add_argument("--stores", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    # 43 chosen + 80 random: at least 120 kills on each store.
    parser.add_argument("--random", type=int, default=80, help="random kills per store (default 80)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds the random kills of a store are spread over")
    parser.add_argument("--flows", default=",".join(ORDER), help="the flows to run (default: all eight)")
    parser.add_argument("--no-chosen", action="store_true", help="skip the chosen failpoints")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"where the JSON goes (default {RESULTS})")
    parser.add_argument(
        "--serial",
        action="store_true",
        help="run the stores one after the other in this process (default: in parallel)",
    )
    args = parser.parse_args(argv)
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    flows = [f.strip() for f in args.flows.split(",") if f.strip()]
    if len(stores) > 1 and not args.serial:
        return _in_parallel(stores, args.out, argv if argv is not None else sys.argv[1:])
    started = time.monotonic()
    tallies: list[Tally] = []
    emulators = start_emulators(task_seconds=0.05, ess_seconds=0.5)
    # The emulators' injected drops raise inside uvicorn on purpose; their tracebacks are noise here
    # (set after the servers start: uvicorn configures its loggers when it starts).
    logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)
    try:
        with tempfile.TemporaryDirectory(prefix="mlc-chaos-") as tmp:
            chaos = Chaos(emulators, Path(tmp), args.seed, flows)
            chaos.take_baseline()
            for store in stores:
                cli = store == "sqlite"
                if not args.no_chosen:
                    tallies.append(chaos.chosen_cli(store) if cli else chaos.chosen_workers())
                    _line(tallies[-1])
                    _write(args.out, args.seed, started, tallies)
                if args.random:
                    rounds = max(1, min(args.rounds, args.random))
                    tallies.append(
                        chaos.random_cli(args.random, store, rounds)
                        if cli
                        else chaos.random_workers(args.random, rounds)
                    )
                    _line(tallies[-1])
                    _write(args.out, args.seed, started, tallies)
    finally:
        emulators.stop()
    elapsed = time.monotonic() - started
    print(table(tallies))
    violations = sum(len(t.violations) for t in tallies)
    kills = sum(t.kills for t in tallies)
    print(f"{kills} kills, {violations} violations, {elapsed / 60:.1f} min")
    for t in tallies:
        for v in t.violations:
            print(f"  [{t.store} / {t.scenario}] {v}")
        for g in t.gave_up:
            print(f"  [{t.store} / {t.scenario}] gave up under faults (not a violation): {g}")
    _write(args.out, args.seed, started, tallies)
    print(f"written to {args.out}")
    return 1 if violations else 0


def _in_parallel(stores: list[str], out: Path, argv: list[str]) -> int:
    """One `python -m chaos --stores STORE --serial` process per store, at once (each with its own
    emulators); their JSON (`chaos-STORE.json` beside `out`) merged into `out`, one table printed."""
    started = time.monotonic()
    passed = _without(argv, "--stores", "--out")
    children: list[tuple[str, Path, subprocess.Popen[bytes]]] = []
    for store in stores:
        part = out.with_name(f"{out.stem}-{store}{out.suffix}")
        log = out.with_name(f"{out.stem}-{store}.log")
        command = [sys.executable, "-m", "chaos", *passed, "--serial", "--stores", store, "--out", str(part)]
        print(f"... {store}: {' '.join(command[1:])} (output in {log})", flush=True)
        with log.open("wb") as handle:
            children.append((store, part, subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT)))
    codes = [proc.wait() for _, _, proc in children]
    bodies = [json.loads(part.read_text(encoding="utf-8")) for _, part, _ in children if part.exists()]
    scenarios = [s for body in bodies for s in body["scenarios"]]
    body = {
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "seeds": [b["seed"] for b in bodies],
        "minutes": round((time.monotonic() - started) / 60, 1),
        "minutes_per_store": {store: b["minutes"] for (store, _, _), b in zip(children, bodies, strict=False)},
        "kills": sum(b["kills"] for b in bodies),
        "violations": sum(b["violations"] for b in bodies),
        "scenarios": scenarios,
    }
    out.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    print(table([Tally(**{k: v for k, v in s.items() if k in Tally.__dataclass_fields__}) for s in scenarios]))
    print(f"{body['kills']} kills, {body['violations']} violations, {body['minutes']} min (stores in parallel)")
    for s in scenarios:
        for v in s["violations"]:
            print(f"  [{s['store']} / {s['scenario']}] {v}")
    print(f"written to {out}")
    missing = len(bodies) < len(children)
    return 1 if body["violations"] or missing or any(code != 0 for code in codes) else 0


def _without(argv: list[str], *options: str) -> list[str]:
    """`argv` without the named options and their values (`--opt value` or `--opt=value`)."""
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in options:
            skip = True
        elif not any(arg.startswith(f"{o}=") for o in options):
            out.append(arg)
    return out


def _write(out: Path, seed: int, started: float, tallies: list[Tally]) -> None:
    """The figures so far as JSON (written after every scenario, so a stopped run keeps its results)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": seed,
        "minutes": round((time.monotonic() - started) / 60, 1),
        "kills": sum(t.kills for t in tallies),
        "violations": sum(len(t.violations) for t in tallies),
        "scenarios": [t.as_json() for t in tallies],
    }
    out.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")


def _line(t: Tally) -> None:
    print(f"... {t.store} / {t.scenario}: {t.kills} kills, {len(t.violations)} violations, {t.seconds} s", flush=True)


def table(tallies: list[Tally]) -> str:
    rows = [("scenario", "store", "kills", "violations")]
    rows += [(t.scenario, t.store, str(t.kills), str(len(t.violations))) for t in tallies]
    by_store: dict[str, list[int]] = {}
    for t in tallies:
        by_store.setdefault(t.store, [0, 0])
        by_store[t.store][0] += t.kills
        by_store[t.store][1] += len(t.violations)
    rows += [("total", store, str(k), str(v)) for store, (k, v) in by_store.items()]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
