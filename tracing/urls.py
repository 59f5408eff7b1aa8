"""The contact tracers' back office under /smittesporing/ (URL namespace "tracing").

No fødselsnummer in any URL: objects are named by id, searches by fødselsnummer are POSTed.
"""

from django.urls import path

from tracing.views import (
    close_contacts,
    indexes,
    overview,
    persons,
    register,
    transfer,
    worklist_actions,
    worklists,
)

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
    path(
        "arbeidsliste/<slug:worklist>/valgte/",
        worklist_actions.worklist_bulk_view,
        name="worklist_bulk",
    ),
    path(
        "arbeidsliste/<slug:worklist>/finn/",
        worklist_actions.worklist_fnr_search_view,
        name="worklist_fnr_search",
    ),
    path("indeks/ny/", register.index_register_view, name="index_register"),
    path("indeks/<int:index_id>/", indexes.index_view, name="index"),
    path("indeks/<int:index_id>/notat/", indexes.note_add_view, name="note_add"),
    path("indeks/<int:index_id>/naerkontakt/", indexes.close_contact_add_view, name="contact_add"),
    path("indeks/<int:index_id>/avslutt/", indexes.index_close_view, name="index_close"),
    path("indeks/<int:index_id>/gjenapne/", indexes.index_reopen_view, name="index_reopen"),
    path("indeks/<int:index_id>/oppfolging/", indexes.follow_up_set_view, name="follow_up"),
    path("indeks/<int:index_id>/overfor/", transfer.index_transfer_view, name="index_transfer"),
    path("oversikt/", overview.overview_home_view, name="overview_home"),
    path("oversikt/<str:number>/", overview.overview_view, name="overview"),
    path(
        "oversikt/<str:number>/eksport/<slug:table>/",
        overview.overview_export_view,
        name="overview_export",
    ),
    path("person/<int:person_id>/", persons.person_view, name="person"),
    path("naerkontakt/<int:close_contact_id>/", persons.close_contact_view, name="close_contact"),
    path("naerkontakter/", close_contacts.close_contact_worklist_view, name="contact_worklist"),
    path(
        "naerkontakter/kolonner/",
        close_contacts.close_contact_columns_view,
        name="contact_worklist_columns",
    ),
    path(
        "naerkontakter/eksport/",
        close_contacts.close_contact_export_view,
        name="contact_worklist_export",
    ),
    path(
        "naerkontakt/<int:close_contact_id>/status/",
        close_contacts.close_contact_status_view,
        name="contact_status",
    ),
    path(
        "naerkontakt/<int:close_contact_id>/notat/",
        close_contacts.close_contact_note_view,
        name="contact_note",
    ),
    path(
        "naerkontakt/<int:close_contact_id>/gjor-om-til-indeks/",
        close_contacts.close_contact_convert_view,
        name="contact_convert",
    ),
]
