"""Citizen login, logout and the OIDC callback (C-1). URL names, namespace "selfreg":
login, callback, logout, logged_out, extend_session."""

from django.urls import path

from selfreg import auth_views

urlpatterns: list = [
    path("innlogget/logg-inn/", auth_views.login, name="login"),
    path("innlogget/callback/", auth_views.callback, name="callback"),
    path("innlogget/logg-ut/", auth_views.logout, name="logout"),
    path("innlogget/logget-ut/", auth_views.logged_out, name="logged_out"),
    path("innlogget/forleng-okten/", auth_views.extend_session, name="extend_session"),
]
