from django.urls import path

from core.health import healthz, readyz
from core.metrics import metrics
from core.views import accessibility, favicon, home, privacy

urlpatterns = [
    path("", home, name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("personvernerklaering", privacy, name="privacy"),
    path("tilgjengelighetserklaering", accessibility, name="accessibility"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
]
