"""Infor CloudSuite (M3, CSI / SyteLine, FSM) behind the ION API gateway.

creds = IonApiCredentials.from_file("ACME_TST.ionapi")
settings = InforSettings(credentials=creds, product="m3", company="100", division="US1")
with InforClient(settings) as client:
    print(client.ping())
"""

from __future__ import annotations

from ml_connector.systems.infor.auth import InforAuth
from ml_connector.systems.infor.client import InforClient
from ml_connector.systems.infor.ionapi import IonApiCredentials
from ml_connector.systems.infor.m3_posting import GL_INTERFACE
from ml_connector.systems.infor.settings import InforSettings, ProductLine

__all__ = ["GL_INTERFACE", "InforAuth", "InforClient", "InforSettings", "IonApiCredentials", "ProductLine"]
