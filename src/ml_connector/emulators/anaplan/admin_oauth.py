"""`/_emulator/oauth-clients`: register OAuth clients, rotatable or not (anaplan.md 4, "Refresh-token rotation").

`PUT /_emulator/oauth-clients {"client_id": "...", "rotatable": false}` answers the client's first refresh token;
`GET` lists the clients with their rotation setting. A reset keeps only the seeded (rotatable) client.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ml_connector.emulators.anaplan.models import AnaplanBackend


def add_oauth_client_routes(router: APIRouter, backend: AnaplanBackend) -> None:
    @router.get("/oauth-clients")
    def clients() -> dict[str, Any]:
        with backend.lock:
            return {"clients": [{"client_id": c, "rotatable": r} for c, r in backend.tokens.oauth_clients.items()]}

    @router.put("/oauth-clients")
    async def register(request: Request) -> JSONResponse:
        body = await request.json() if await request.body() else {}
        client_id = body.get("client_id") if isinstance(body, dict) else None
        rotatable = body.get("rotatable", True) if isinstance(body, dict) else None
        if not isinstance(client_id, str) or not client_id.strip() or not isinstance(rotatable, bool):
            return JSONResponse({"error": 'send {"client_id": "<id>", "rotatable": true|false}'}, status_code=400)
        with backend.lock:
            token = backend.tokens.register_oauth_client(client_id.strip(), rotatable)
        return JSONResponse({"client_id": client_id.strip(), "rotatable": rotatable, "refresh_token": token})
