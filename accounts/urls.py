"""Staff login/logout and the access log, under /smittesporing/ (URL namespace "accounts")."""

from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("logg-inn/", views.login_view, name="login"),
    path("logg-ut/", views.logout_view, name="logout"),
    path("tilgangslogg/", views.access_log_view, name="access_log"),
    path("tilgangslogg/eksport/", views.access_log_export_view, name="access_log_export"),
]
