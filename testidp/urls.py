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
    # Maskinporten's side (testidp/maskinporten.py): its own issuer, the same signing key.
    path(
        "maskinporten/.well-known/oauth-authorization-server",
        views.maskinporten_discovery,
        name="maskinporten_discovery",
    ),
    path("maskinporten/token", views.maskinporten_token, name="maskinporten_token"),
]
