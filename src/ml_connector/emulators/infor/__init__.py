"""Emulator of one Infor CloudSuite tenant behind the ION API gateway: M3, CSI (Mongoose IDOs) and FSM."""

from __future__ import annotations
