"""The test IdP refuses to run in production mode (O-5)."""

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured


def test_refuses_to_start_in_production_when_enabled(settings):
    settings.PRODUCTION = True
    settings.TEST_IDP_ENABLED = True
    with pytest.raises(ImproperlyConfigured, match="TEST_IDP_ENABLED"):
        apps.get_app_config("testidp").ready()


@pytest.mark.parametrize(("production", "enabled"), [(False, True), (True, False), (False, False)])
def test_starts_otherwise(settings, production, enabled):
    settings.PRODUCTION = production
    settings.TEST_IDP_ENABLED = enabled
    apps.get_app_config("testidp").ready()
