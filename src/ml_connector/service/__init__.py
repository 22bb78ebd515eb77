"""The embedded service behind `ml-connector serve`: schedules with catch-up, a worker pool that runs
one run per flow at a time, a clean stop, and alerts (webhook, e-mail)."""

from __future__ import annotations
