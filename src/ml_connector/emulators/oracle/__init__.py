"""Oracle Fusion Cloud ERP emulator: IDCS token endpoint, `fscmRestApi` resources, journal import, admin API."""

from __future__ import annotations

from ml_connector.emulators.oracle.app import OracleEmulator, build_app, build_emulator
from ml_connector.emulators.oracle.tokens import Credentials

__all__ = ["Credentials", "OracleEmulator", "build_app", "build_emulator"]
