"""Users of the tenant: `GET /users`, `GET /users/{userId}` (and `me`), and a workspace's admins.

Sources: anaplan.md 2.1 (`/users/me`, sortable `/users`), the user fields public clients read (anaplan-sdk `User`:
id, active, email, emailOptIn, firstName, lastName, lastLoginDate), and the Integration API's workspace admins call
(`GET /workspaces/{workspaceId}/admins`, a paged list of users).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request

from ml_connector.emulators.anaplan.envelope import backend_of, envelope, paged, require_token, sort_items
from ml_connector.emulators.anaplan.exceptions import NotFound
from ml_connector.emulators.anaplan.models import AnaplanBackend

router = APIRouter(prefix="/2/0", dependencies=[Depends(require_token)])
USER_SORT = frozenset({"email", "firstName", "lastName", "lastLoginDate"})


def user_json(backend: AnaplanBackend) -> dict[str, Any]:
    """The emulator's one user, as the Integration API describes users."""
    creds = backend.tokens.creds
    issued = [t.expires_at - backend.tokens.token_ttl for t in backend.tokens.tokens.values()]
    # ASSUMPTION: the last login is the latest token issued to the user (the emulator's start before any).
    last = max(issued, default=backend.started_at)
    return {
        "id": creds.user_guid,
        "active": True,
        "email": creds.user,
        "emailOptIn": False,
        "firstName": "Integration",
        "lastName": "User",
        "customerId": creds.customer_guid,
        "lastLoginDate": datetime.fromtimestamp(last, UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
    }


@router.get("/users")
def users(request: Request) -> dict[str, Any]:
    backend = backend_of(request)
    with backend.lock:
        items = [user_json(backend)]
    return paged(request, "user", "users", sort_items(request, items, strict=True, sortable=USER_SORT))


@router.get("/users/{userId}")
def user(request: Request, userId: str) -> dict[str, Any]:  # noqa: N803 - Anaplan's path names
    backend = backend_of(request)
    with backend.lock:
        found = user_json(backend)
    if userId not in ("me", found["id"]):
        raise NotFound()
    return envelope(request, "user", user=found)


@router.get("/workspaces/{workspaceId}/admins")
def workspace_admins(request: Request, workspaceId: str) -> dict[str, Any]:  # noqa: N803
    backend = backend_of(request)
    if workspaceId != backend.workspace_id:
        raise NotFound()
    with backend.lock:
        # ASSUMPTION: the emulated user is the workspace's only admin (it may open and close models).
        items = [user_json(backend)]
    return paged(request, "user", "users", items)
