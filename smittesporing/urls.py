"""The site's URLs: each app's own, mounted here; the project imports no app's code."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("core.urls")),
    path("", include("selfreg.urls")),
    path("django-admin/", admin.site.urls),
    path("smittesporing/", include("accounts.urls")),
    path("smittesporing/", include("tracing.urls")),
    path("forvaltning/", include("administration.urls")),
    path("", include("api.urls")),
]

if settings.TEST_IDP_ENABLED:
    urlpatterns.append(path("testidp/", include("testidp.urls")))

# Norwegian error pages that never touch the database (R3; core/errors.py).
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
