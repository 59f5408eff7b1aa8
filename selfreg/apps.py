from django.apps import AppConfig


class SelfregConfig(AppConfig):
    name = "selfreg"
