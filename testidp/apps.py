from django.apps import AppConfig


class TestidpConfig(AppConfig):
    name = "testidp"
