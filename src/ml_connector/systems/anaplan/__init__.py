"""The Anaplan client: authentication, discovery by name, chunked files, tasks and dumps, list reads.

from ml_connector.systems.anaplan import AnaplanClient, AnaplanSettings

with AnaplanClient(AnaplanSettings(user="me@acme.com", password="...")) as client:
    ref = client.model("Acme Finance", "FP&A")
    outcome = client.load(ref, "Load Actuals", Path("actuals.csv"), rows_sent=1200)
    outcome.verify(1200)
"""

from __future__ import annotations

from ml_connector.systems.anaplan.auth import AnaplanAuth
from ml_connector.systems.anaplan.client import AnaplanClient
from ml_connector.systems.anaplan.discovery import ModelRef, tree_lines
from ml_connector.systems.anaplan.errors import ImportFailedError
from ml_connector.systems.anaplan.files import ChunkedUpload, UploadResult
from ml_connector.systems.anaplan.imports import ImportOutcome, RejectedRow
from ml_connector.systems.anaplan.lists import ListMember, ModelStatus
from ml_connector.systems.anaplan.settings import AnaplanSettings, AuthKind
from ml_connector.systems.anaplan.tasks import TaskOutcome, TaskPoller

__all__ = [
    "AnaplanAuth",
    "AnaplanClient",
    "AnaplanSettings",
    "AuthKind",
    "ChunkedUpload",
    "ImportFailedError",
    "ImportOutcome",
    "ListMember",
    "ModelRef",
    "ModelStatus",
    "RejectedRow",
    "TaskOutcome",
    "TaskPoller",
    "UploadResult",
    "tree_lines",
]
