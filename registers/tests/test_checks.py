"""The Digdir settings checks (registers/checks.py): each unsafe or broken setting is named."""

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from registers.checks import digdir_settings_check, digdir_settings_problems


@pytest.fixture
def http_settings(settings, tmp_path, organisation_key):
    """A complete, valid configuration of the HTTP registers for production."""
    path = tmp_path / "maskinporten.pem"
    path.write_text(organisation_key.as_pem(private=True).decode())
    path.chmod(0o600)
    settings.PRODUCTION = True
    settings.REGISTER_BACKEND = "http"
    settings.FOLKEREGISTER_URL = (
        "https://folkeregisteret.api.skatteetaten.no/folkeregisteret/offentlig-med-hjemmel/api/v1"
    )
    settings.KRR_URL = "https://krr.digdir.no"
    settings.MASKINPORTEN_CLIENT_ID = "0a1b2c3d"
    settings.MASKINPORTEN_KID = "registered-kid"
    settings.MASKINPORTEN_KEY_FILE = str(path)
    settings.MASKINPORTEN_KEY = ""
    settings.MASKINPORTEN_AUDIENCE = "https://maskinporten.no/"
    settings.MASKINPORTEN_TOKEN_URL = "https://maskinporten.no/token"
    settings.OIDC_CLIENT_AUTH_METHOD = "client_secret_basic"
    return settings


def test_a_complete_configuration_has_no_problems(http_settings):
    assert digdir_settings_problems(http_settings) == []


def test_the_synthetic_backend_needs_no_maskinporten(settings):
    settings.REGISTER_BACKEND = "synthetic"
    settings.MASKINPORTEN_CLIENT_ID = ""

    assert digdir_settings_problems(settings) == []


@pytest.mark.parametrize(
    "name",
    [
        "FOLKEREGISTER_URL",
        "KRR_URL",
        "FOLKEREGISTER_SCOPE",
        "KRR_SCOPE",
        "MASKINPORTEN_CLIENT_ID",
        "MASKINPORTEN_AUDIENCE",
        "MASKINPORTEN_TOKEN_URL",
    ],
)
def test_each_missing_setting_is_named(http_settings, name):
    setattr(http_settings, name, "")

    problems = digdir_settings_problems(http_settings)

    assert any(problem.startswith(f"{name} must be set") for problem in problems), problems


@pytest.mark.parametrize(
    "name", ["FOLKEREGISTER_URL", "KRR_URL", "MASKINPORTEN_AUDIENCE", "MASKINPORTEN_TOKEN_URL"]
)
def test_plain_http_is_refused_in_production(http_settings, name):
    setattr(http_settings, name, getattr(http_settings, name).replace("https://", "http://"))

    assert f"{name} must be an https:// URL" in digdir_settings_problems(http_settings)


def test_a_token_url_of_another_maskinporten_is_refused(http_settings):
    http_settings.MASKINPORTEN_TOKEN_URL = "https://test.maskinporten.no/token"

    assert any(
        "MASKINPORTEN_TOKEN_URL must be" in p for p in digdir_settings_problems(http_settings)
    )


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"MASKINPORTEN_KEY_FILE": "/nonexistent/key.pem"}, "cannot be read"),
        ({"MASKINPORTEN_KEY_FILE": ""}, "not set"),
        ({"MASKINPORTEN_KEY": "x"}, "not both"),
        ({"MASKINPORTEN_KID": ""}, "kid"),
    ],
)
def test_an_unusable_maskinporten_key_is_named(http_settings, change, reason):
    for name, value in change.items():
        setattr(http_settings, name, value)

    (problem,) = digdir_settings_problems(http_settings)

    assert problem.startswith("MASKINPORTEN_KEY_FILE/MASKINPORTEN_KEY/MASKINPORTEN_KID: ")
    assert reason in problem


def test_a_public_maskinporten_key_is_refused(http_settings, organisation_key, tmp_path):
    path = tmp_path / "public.pem"
    path.write_text(organisation_key.as_pem(private=False).decode())
    path.chmod(0o600)
    http_settings.MASKINPORTEN_KEY_FILE = str(path)

    (problem,) = digdir_settings_problems(http_settings)
    assert "public key" in problem


def test_a_key_file_others_can_read_is_refused_in_production(http_settings):
    from pathlib import Path

    Path(http_settings.MASKINPORTEN_KEY_FILE).chmod(0o644)

    assert digdir_settings_problems(http_settings) == [
        "MASKINPORTEN_KEY_FILE must be readable by its owner only (chmod 600)"
    ]
    http_settings.PRODUCTION = False
    assert digdir_settings_problems(http_settings) == []


def test_an_unknown_oidc_client_auth_method_is_refused(settings):
    settings.OIDC_CLIENT_AUTH_METHOD = "client_secret_post"

    (problem,) = digdir_settings_problems(settings)
    assert problem.startswith("OIDC_CLIENT_AUTH_METHOD must be one of")


def test_private_key_jwt_needs_a_usable_key(settings, organisation_key):
    settings.OIDC_CLIENT_AUTH_METHOD = "private_key_jwt"
    settings.OIDC_CLIENT_KEY, settings.OIDC_CLIENT_KEY_FILE = "", ""
    settings.OIDC_CLIENT_KID = "k"
    (problem,) = digdir_settings_problems(settings)
    assert problem.startswith("OIDC_CLIENT_KEY_FILE/OIDC_CLIENT_KEY/OIDC_CLIENT_KID: ")

    settings.OIDC_CLIENT_KEY = organisation_key.as_pem(private=True).decode()
    assert digdir_settings_problems(settings) == []


def test_problems_are_system_check_errors(settings):
    settings.OIDC_CLIENT_AUTH_METHOD = "none"

    (error,) = digdir_settings_check(None)

    assert error.id == "registers.E001" and error.is_serious()


def test_production_refuses_to_start_on_a_problem(http_settings):
    http_settings.MASKINPORTEN_CLIENT_ID = ""
    config = apps.get_app_config("registers")

    with pytest.raises(ImproperlyConfigured, match="MASKINPORTEN_CLIENT_ID must be set"):
        config.ready()


def test_production_starts_with_a_complete_configuration(http_settings):
    apps.get_app_config("registers").ready()
