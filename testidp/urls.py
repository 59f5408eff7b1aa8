"""The test identity provider (O-5), mounted at /testidp/ when settings.TEST_IDP_ENABLED."""

from django.urls import path

from testidp import views

app_name = "testidp"
urlpatterns = [
    path(".well-known/openid-configuration", views.discovery, name="discovery"),
    path("jwks", views.jwks, name="jwks"),
    path("authorize", views.authorize, name="authorize"),
    path("token", views.token, name="token"),
    path("endsession", views.end_session, name="end_session"),
]
