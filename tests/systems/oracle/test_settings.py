from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml_connector.errors import ConfigurationError
from ml_connector.systems.oracle import OracleSettings
from ml_connector.systems.oracle.settings import check_pod_url

BASIC = {"auth": "basic", "user": "INTEGRATION", "password": "s3cret-pass"}


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://acme.fa.em2.oraclecloud.com", True),
        ("https://acme-test.fa.us2.oraclecloud.com/", True),
        ("https://acme.fa.ocs.oraclecloud.com", True),
        ("http://acme.fa.em2.oraclecloud.com", False),
        ("https://acme.oraclecloud.com", False),
        ("https://example.com", False),
        ("https://acme.fa.em2.oraclecloud.com/fscmRestApi/resources/11.13.18.05", False),
        ("acme.fa.em2.oraclecloud.com", False),
    ],
)
def test_pod_url_must_be_an_https_fusion_host(url: str, ok: bool) -> None:
    assert (check_pod_url(url, allow_any_url=False) is None) is ok


def test_any_url_is_accepted_with_the_explicit_flag() -> None:
    s = OracleSettings.parse({"pod_url": "http://127.0.0.1:8080", "allow_any_url": True, **BASIC})
    assert s.rest_root == "http://127.0.0.1:8080/fscmRestApi/resources/11.13.18.05"


def test_every_problem_is_listed_at_once_and_names_the_field() -> None:
    with pytest.raises(ConfigurationError) as err:
        OracleSettings.parse({"pod_url": "http://example.com", "auth": "oauth", "requests_per_minute": 0})
    text = str(err.value)
    for part in ("https", "client_id", "token_url", "scope", "requests_per_minute"):
        assert part in text


def test_secrets_are_hidden_in_repr() -> None:
    s = OracleSettings.parse({"pod_url": "https://acme.fa.em2.oraclecloud.com", **BASIC})
    assert "s3cret-pass" not in repr(s) and "s3cret-pass" not in str(s.model_dump())


def test_cost_center_and_account_must_differ() -> None:
    with pytest.raises(ConfigurationError, match="different segments"):
        OracleSettings.parse(
            {"pod_url": "https://acme.fa.em2.oraclecloud.com", **BASIC, "cost_center_segment": 3, "account_segment": 3}
        )


@given(st.text(max_size=40))
def test_url_check_never_raises(url: str) -> None:
    result = check_pod_url(url, allow_any_url=False)
    assert result is None or isinstance(result, str)
