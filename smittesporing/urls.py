from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from api.main import api
from smittesporing.views import home

urlpatterns = [
    path("", home, name="home"),
    path("", include("selfreg.urls")),
    path("django-admin/", admin.site.urls),
    path("smittesporing/", include("accounts.urls")),
    path("smittesporing/", include("tracing.urls")),
    path("forvaltning/", include("administration.urls")),
    path("api/v1/", api.urls),
]

if settings.TEST_IDP_ENABLED:
    urlpatterns.append(path("testidp/", include("testidp.urls")))

# Norwegian error pages that never touch the database (R3; smittesporing/errors.py).
handler400 = "smittesporing.errors.bad_request"
handler403 = "smittesporing.errors.permission_denied"
handler404 = "smittesporing.errors.page_not_found"
handler500 = "smittesporing.errors.server_error"
