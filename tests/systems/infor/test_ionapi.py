from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ml_connector.errors import ConfigurationError
from ml_connector.systems.infor import InforSettings, IonApiCredentials

GOOD: dict[str, Any] = {
    "ti": "ACME_PRD",
    "cn": "ML_CONNECTOR",
    "ci": "ACME_PRD~clientIdValue123",
    "cs": "client-secret-value-xyz",
    "iu": "https://mingle-ionapi.inforcloudsuite.com",
    "pu": "https://mingle-sso.inforcloudsuite.com:443/ACME_PRD/as/",
    "oa": "authorization.oauth2",
    "ot": "token.oauth2",
    "or": "revoke_token.oauth2",
    "saak": "ACME_PRD#serviceAccountKey999",
    "sask": "service-secret-key-value-abc",
}
SECRETS = (
    "ACME_PRD~clientIdValue123",
    "client-secret-value-xyz",
    "ACME_PRD#serviceAccountKey999",
    "service-secret-key-value-abc",
)


def test_urls_follow_the_ionapi_rules() -> None:
    creds = IonApiCredentials.from_text(json.dumps(GOOD))
    assert creds.token_url == "https://mingle-sso.inforcloudsuite.com:443/ACME_PRD/as/token.oauth2"
    assert creds.revoke_url == "https://mingle-sso.inforcloudsuite.com:443/ACME_PRD/as/revoke_token.oauth2"
    assert creds.api_base == "https://mingle-ionapi.inforcloudsuite.com/ACME_PRD"
    assert creds.has_service_account


def test_pu_without_trailing_slash_still_joins_once() -> None:
    creds = IonApiCredentials.from_text(json.dumps(GOOD | {"pu": GOOD["pu"].rstrip("/"), "ot": "/token.oauth2"}))
    assert creds.token_url.endswith("/ACME_PRD/as/token.oauth2")
    assert "//token" not in creds.token_url


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ti": None}, "'ti'"),
        ({"ci": ""}, "'ci'"),
        ({"cs": 5}, "'cs'"),
        ({"iu": "not a url"}, "'iu'"),
        ({"pu": "ftp://x/"}, "'pu'"),
        ({"ot": None}, "'ot'"),
        ({"sask": None}, "'sask'"),
        ({"saak": None, "sask": None}, "'saak' and 'sask'"),
        ({"ti": "A/B"}, "'ti'"),
    ],
)
def test_each_bad_field_is_named(change: dict[str, Any], field: str) -> None:
    data = {k: v for k, v in (GOOD | change).items() if v is not None}
    with pytest.raises(ConfigurationError) as info:
        IonApiCredentials.from_text(json.dumps(data), where="acme.ionapi")
    assert field in str(info.value)
    assert "acme.ionapi" in str(info.value)
    assert info.value.hint
    for secret in SECRETS:
        assert secret not in str(info.value)


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(ConfigurationError) as info:
        IonApiCredentials.from_text(json.dumps({"ti": "X"}))
    for key in ("'ci'", "'cs'", "'iu'", "'pu'", "'ot'", "'saak'"):
        assert key in str(info.value)


def test_not_json_names_position_not_content(tmp_path: Path) -> None:
    path = tmp_path / "bad.ionapi"
    path.write_text('{"cs": "client-secret-value-xyz", oops}')
    with pytest.raises(ConfigurationError) as info:
        IonApiCredentials.from_file(path)
    assert "not JSON" in str(info.value) and "line 1" in str(info.value)
    assert "client-secret-value-xyz" not in str(info.value)


def test_json_that_is_not_an_object() -> None:
    with pytest.raises(ConfigurationError, match="JSON object"):
        IonApiCredentials.from_text("[1, 2]")


def test_missing_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="Cannot read"):
        IonApiCredentials.from_file(tmp_path / "nope.ionapi")


def test_client_credentials_file_without_service_account() -> None:
    data = {k: v for k, v in GOOD.items() if k not in ("saak", "sask")}
    creds = IonApiCredentials.from_text(json.dumps(data), require_service_account=False)
    assert not creds.has_service_account
    with pytest.raises(ValueError, match="saak"):
        InforSettings(credentials=creds, product="fsm")
    assert InforSettings(credentials=creds, product="fsm", grant="client_credentials").grant == "client_credentials"


def test_vault_round_trip_and_repr_hides_secrets() -> None:
    creds = IonApiCredentials.from_text(json.dumps(GOOD))
    stored = creds.to_vault()
    assert IonApiCredentials.from_vault(stored) == creds
    for secret in SECRETS:
        assert secret not in repr(creds)
        assert secret not in repr(InforSettings(credentials=creds, product="fsm"))


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.ionapi"
    path.write_text("\ufeff" + json.dumps(GOOD), encoding="utf-8")
    assert IonApiCredentials.from_file(path).tenant == "ACME_PRD"


def test_settings_list_every_problem() -> None:
    creds = IonApiCredentials.from_text(json.dumps(GOOD | {"iu": "http://localhost:1"}))
    with pytest.raises(ConfigurationError) as info:
        InforSettings.build(credentials=creds, product="m3", company="")
    text = str(info.value)
    assert "company" in text and "'iu'" in text and "allow_any_url" in text
    with pytest.raises(ConfigurationError, match="mongoose_config"):
        InforSettings.build(credentials=creds, product="csi", allow_any_url=True)
    with pytest.raises(ConfigurationError, match="product"):
        InforSettings.build(credentials=creds, product="ln", allow_any_url=True)
