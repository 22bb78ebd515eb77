"""`PUT /_emulator/volume {"extra_lines": N, "seed": S}`: add N posted ledger lines now (any emulator with a ledger).

The lines come from the emulator's own builders, deterministically for the seed; `POST /_emulator/reset` goes back
to the seeded data without them. The same is `ml-connector emulate X --extra-lines N --seed S` at start.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

AddLines = Callable[[int, int], int]  # (count, seed) -> journals added


def add_volume_route(router: APIRouter, add_lines: AddLines) -> None:
    @router.put("/volume")
    async def volume(request: Request) -> JSONResponse:
        body = await request.json() if await request.body() else {}
        count = body.get("extra_lines") if isinstance(body, dict) else None
        seed = body.get("seed", 0) if isinstance(body, dict) else None
        if not isinstance(count, int) or isinstance(count, bool) or not isinstance(seed, int) or count < 0:
            return JSONResponse({"error": 'send {"extra_lines": N >= 0, "seed": S} (whole numbers)'}, status_code=400)
        started = time.perf_counter()
        try:
            journals = add_lines(count, seed)
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        seconds = round(time.perf_counter() - started, 3)
        return JSONResponse({"extra_lines": count, "seed": seed, "journals": journals, "seconds": seconds})
