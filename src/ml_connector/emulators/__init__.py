"""Faithful local stand-ins for Anaplan, Infor CloudSuite and Oracle Fusion.

Each emulator is a real HTTP server: an in-memory backend (no HTTP), a thin HTTP layer over it, and
the real API's error format in one place. Emulators share no code with the clients in
`ml_connector.systems`; they share only the admin kit in `emulators.common` among themselves.
"""
