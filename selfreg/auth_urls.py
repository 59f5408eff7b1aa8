"""Citizen login, logout and the OIDC callback (URL names: login, callback, logout)."""

urlpatterns: list = []
