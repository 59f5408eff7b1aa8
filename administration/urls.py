"""Forvaltning under /forvaltning/ (URL namespace "administration"), for administrators only.

Municipalities are named by number; another municipality's number answers 404 (A-2).
"""

from django.urls import path

from administration import views

app_name = "administration"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("<str:number>/", views.municipality_view, name="municipality"),
    path("<str:number>/selvregistrering/", views.selfreg_switch_view, name="selfreg_switch"),
    path("<str:number>/kontaktinformasjon/", views.contact_view, name="contact"),
    path("<str:number>/api-nokler/", views.api_token_create_view, name="api_token_create"),
    path(
        "<str:number>/api-nokler/<int:token_id>/tilbakekall/",
        views.api_token_revoke_view,
        name="api_token_revoke",
    ),
]
