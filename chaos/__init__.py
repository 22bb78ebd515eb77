"""The fault suite (`make chaos`, `python -m chaos`): real `ml-connector` processes killed with SIGKILL
at chosen points (the product's failpoints) and at random moments, under injected faults, on SQLite
(CLI runs) and PostgreSQL (two `ml-connector worker` processes); after each kill the flow runs again
until it succeeds, and invariants are checked from the emulators' own read-outs and the store's tables.

The checks share no code with the product's flows, engine, mapping or clients (see `invariants`).
"""
