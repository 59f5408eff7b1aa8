"""The contact tracers' back office under /smittesporing/ (URL namespace "tracing").

No fødselsnummer in any URL: objects are named by id, searches by fødselsnummer are POSTed.
"""

from django.urls import path

from tracing.views import indexes, overview, persons, register, worklists

app_name = "tracing"
urlpatterns = [
    path("", worklists.home_view, name="home"),
    path("arbeidsliste/<slug:worklist>/", worklists.worklist_view, name="worklist"),
    path(
        "arbeidsliste/<slug:worklist>/kolonner/",
        worklists.worklist_columns_view,
        name="worklist_columns",
    ),
    path(
        "arbeidsliste/<slug:worklist>/eksport/",
        worklists.worklist_export_view,
        name="worklist_export",
    ),
    path("indeks/ny/", register.index_register_view, name="index_register"),
    path("indeks/<int:index_id>/", indexes.index_view, name="index"),
    path("indeks/<int:index_id>/notat/", indexes.note_add_view, name="note_add"),
    path("indeks/<int:index_id>/naerkontakt/", indexes.close_contact_add_view, name="contact_add"),
    path("indeks/<int:index_id>/avslutt/", indexes.index_close_view, name="index_close"),
    path("indeks/<int:index_id>/gjenapne/", indexes.index_reopen_view, name="index_reopen"),
    path("indeks/<int:index_id>/oppfolging/", indexes.follow_up_set_view, name="follow_up"),
    path("oversikt/", overview.overview_home_view, name="overview_home"),
    path("oversikt/<str:number>/", overview.overview_view, name="overview"),
    path(
        "oversikt/<str:number>/eksport/<slug:table>/",
        overview.overview_export_view,
        name="overview_export",
    ),
    path("person/<int:person_id>/", persons.person_view, name="person"),
    path("naerkontakt/<int:close_contact_id>/", persons.close_contact_view, name="close_contact"),
]
