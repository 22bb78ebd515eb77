"""The engine: runs, per-record audit, staging and period totals, watermarks, replay."""
