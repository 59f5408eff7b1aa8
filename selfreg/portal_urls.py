"""The self-registration flow under /innlogget/smitte-selvregistrering/hjemmetest.

The entry URL is the one municipalities publish (A-3), with ?kommunenummer=NNNN.
"""

from django.urls import path

from selfreg import views, views_form, views_mine

BASE = "innlogget/smitte-selvregistrering/hjemmetest"

urlpatterns = [
    path(BASE, views.start, name="start"),
    path(f"{BASE}/hvem", views.who, name="who"),
    path(f"{BASE}/skjema", views_form.registration_form, name="form"),
    path(f"{BASE}/kvittering", views.receipt, name="receipt"),
    path(
        f"{BASE}/kvittering/<str:reference>", views.receipt_by_reference, name="receipt_reference"
    ),
    path("innlogget/mine-registreringer", views_mine.mine, name="mine"),
    path("innlogget/mine-registreringer/innsyn", views_mine.innsyn, name="innsyn"),
    # The link in the confirmation: it names nothing of what was registered.
    path("kvittering/<str:reference>", views.receipt_by_reference, name="receipt_link"),
]
