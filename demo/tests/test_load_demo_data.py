"""The demo data has what the README promises, and loads twice without harm."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from demo.personas import INGRID, LARS, NORA, PERSONAS
from municipalities.models import Municipality
from registers.interfaces import get_folkeregister
from tracing.rules import CandidateKind
from tracing.selectors import duplicate_candidates

pytestmark = pytest.mark.django_db

KARI = "12848506018"


@pytest.fixture
def demo():
    call_command("load_demo_data")


def test_three_customers_with_selfreg_on_one_off_the_rest_not_customers(demo):
    on = set(Municipality.objects.filter(selfreg_enabled=True).values_list("number", flat=True))
    assert on == {"0301", "4601", "5001"}
    off = Municipality.objects.filter(is_customer=True, selfreg_enabled=False)
    assert [m.number for m in off] == ["1103"]
    assert Municipality.objects.filter(is_customer=False).count() == 357 - 4


def test_every_persona_is_in_the_register(demo):
    register = get_folkeregister()
    for persona in PERSONAS:
        assert register.person(persona.fnr) is not None, persona.name


def test_parent_has_the_children_the_readme_describes(demo):
    register = get_folkeregister()
    kari = register.person(KARI)
    children = {child.first_name: child for child in register.children(KARI)}
    assert set(children) == {"Ola", "Emma", "Sofie", "Jonas"}
    assert children["Ola"].address == kari.address
    assert children["Emma"].address == kari.address
    assert children["Sofie"].address == kari.address  # same address, but 16
    assert children["Jonas"].address != kari.address  # under 16, other address


def test_tracing_history_has_a_close_contact_a_closed_and_an_active_index(demo):
    assert [c.kind for c in duplicate_candidates(fnr=NORA)] == [CandidateKind.CLOSE_CONTACT]
    assert [c.kind for c in duplicate_candidates(fnr=LARS)] == [CandidateKind.CLOSED_INDEX]
    assert [c.kind for c in duplicate_candidates(fnr=INGRID)] == [CandidateKind.ACTIVE_INDEX]


def test_oslo_has_close_contacts_in_each_status_one_reported_by_the_demo_tracer(demo):
    from tracing.models import CloseContact

    oslo = CloseContact.objects.filter(municipality_id="0301")
    assert set(oslo.values_list("status", flat=True)) == {
        "not_contacted",
        "contacted",
        "not_reached",
    }
    assert oslo.filter(registered_by_user__username="oslo.smittesporer").count() == 2
    assert oslo.filter(status_changed_at__isnull=False).count() == 2


def test_loading_twice_changes_nothing(demo):
    from tracing.models import Index

    before = Index.objects.count()
    call_command("load_demo_data")
    assert Index.objects.count() == before


def test_refused_in_production_mode(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("load_demo_data")


def test_a_demo_tracer_has_read_lars_and_nora_with_a_full_name(demo):
    """«Hvem har sett opplysningene mine» has something to show for Lars and Nora (B-4)."""
    from accounts.selectors import access_log_reads_of

    for fnr in (LARS, NORA):
        reads = list(access_log_reads_of(person_fnrs=[fnr]))
        assert [(e.user.get_full_name(), e.municipality_id) for e in reads] == [
            ("Siri Smittesporer", "0301")
        ]
    assert not access_log_reads_of(person_fnrs=[INGRID, KARI]).exists()
    call_command("load_demo_data")  # a second load reads nothing again
    assert access_log_reads_of(person_fnrs=[LARS]).count() == 1


def test_the_overview_has_something_to_draw(demo):
    """Oslo's and Bergen's «Oversikt»: indexes on many days of the 8 weeks, answers to show."""
    from core.localtime import local_today
    from tracing.overview import overview_for_municipality

    oslo = overview_for_municipality(municipality_number="0301", today=local_today())
    days_with_indexes = [d for d in oslo.days if d.indexes]
    assert len(days_with_indexes) >= 15
    assert oslo.days[0].day <= days_with_indexes[0].day <= oslo.days[20].day  # spread back
    assert oslo.period_self_registered > 0
    assert oslo.risk_group_share.count > 0
    assert oslo.median_days_to_registration is not None
    bergen = overview_for_municipality(municipality_number="4601", today=local_today())
    assert bergen.open_indexes > 0 and bergen.follow_ups_overdue > 0
