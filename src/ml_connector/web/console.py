"""What every page handler shares: the store, the redactor, the templates, and (for operators' actions)
a flow context and the job queue. Built once by `build_app`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from ml_connector.accounts import SignedIn
from ml_connector.engine.keys import CellKey, CellKind
from ml_connector.flows.context import FlowContext
from ml_connector.http.redaction import Redactor
from ml_connector.store.database import Store
from ml_connector.web.jobs import JobQueue
from ml_connector.web.security import csrf_token

TEMPLATE_DIR = Path(__file__).parent / "templates"


def cell_text(key: str) -> str:
    """A cell key as a reader says it: `account 4000 · cost center 100 · period Jan 24`."""
    try:
        cell = CellKey.parse(key)
    except ValueError:
        return key
    return " · ".join(f"{name.replace('_', ' ')} {value}" for name, value in cell.named().items())


def cell_link(key: str, flow: str) -> str:
    """The lineage page of a GL cell key, or "" for any other key (a gap, a list member)."""
    try:
        cell = CellKey.parse(key, CellKind.GL)
    except ValueError:
        return ""
    return "/lineage?" + urlencode({"flow": flow, **cell.named()})


@dataclass
class Console:
    store: Store
    redactor: Redactor
    templates: Jinja2Templates
    flows: FlowContext | None  # None: a read-only console (no replays, no mapping changes)
    jobs: JobQueue

    @classmethod
    def build(cls, store: Store, redactor: Redactor, flows: FlowContext | None) -> Console:
        templates = Jinja2Templates(directory=str(TEMPLATE_DIR))  # one per app: its filters use this redactor
        templates.env.filters["redact"] = lambda value: redactor.redact(str(value))
        templates.env.filters["cell"] = cell_text
        templates.env.filters["cell_link"] = cell_link
        templates.env.filters["when"] = lambda moment: moment.strftime("%Y-%m-%d %H:%M:%S") if moment else ""
        templates.env.filters["payload"] = lambda text: redactor.redact(json.dumps(json.loads(text), indent=2))
        return cls(store, redactor, templates, flows, JobQueue(redactor))

    def page(
        self, request: Request, template: str, context: dict[str, Any], user: SignedIn | None, status: int = 200
    ) -> Response:
        values = {"user": user, "csrf": csrf_token(request), "can_act": bool(user and user.can_act)}
        values.update(context)
        return self.templates.TemplateResponse(request, template, values, status_code=status)
