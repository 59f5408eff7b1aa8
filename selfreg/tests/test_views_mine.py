"""«Mine registreringer»: the self-registrations of the citizen and of the children they may
register for (C-4, checked on every request), newest first, with date, municipality,
«Referansenummer» (a link to the receipt) and status; a link to it on every portal page."""

import datetime
import re

import pytest
from django.utils import timezone
from freezegun import freeze_time

from selfreg.tests.portal import FORM, START, choose, valid_form, who_url
from selfreg.tests.test_views_receipt import login, text_of
from tests.factories import IndexFactory, PersonFactory, SyntheticPersonFactory, synthetic_child_of
from tests.factories import years_ago as years
from tracing.models import Index, RegisteredByKind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oslo_takes_selfreg")]

MINE = "/innlogget/mine-registreringer"


def self_registration(fnr: str, *, days: int, municipality: str = "0301", **fields) -> Index:
    return IndexFactory(
        person=PersonFactory(fnr=fnr, municipality_id=municipality),
        self_registered=True,
        registered_by_kind=RegisteredByKind.SELF,
        opened_at=timezone.now() - datetime.timedelta(days=days),
        **fields,
    )


def rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [text_of(row).strip() for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_mine_needs_a_login(client):
    response = client.get(MINE)
    assert response.status_code == 302
    assert response.url.startswith("/innlogget/logg-inn/")


@freeze_time("2021-12-21 09:52:00")
def test_lists_own_and_childrens_self_registrations_newest_first(citizen_client, parent):
    ola = synthetic_child_of(parent, birth_date=years(9), first_name="Ola")
    old = self_registration(parent.fnr, days=40, municipality="4601", closed=True)
    child = self_registration(ola.fnr, days=2)
    new = self_registration(parent.fnr, days=0)
    html = citizen_client(parent.fnr).get(MINE).content.decode()
    assert rows(html) == [
        f"Gjelder Meg selv Registrert 21.12.2021 10:52 Kommune Oslo "
        f"Referansenummer {new.reference} Status Under oppfølging",
        f"Gjelder Ola Nordmann Registrert 19.12.2021 10:52 Kommune Oslo "
        f"Referansenummer {child.reference} Status Under oppfølging",
        f"Gjelder Meg selv Registrert 11.11.2021 10:52 Kommune Bergen "
        f"Referansenummer {old.reference} Status Avsluttet",
    ]
    assert f'href="/kvittering/{new.reference}"' in html
    assert parent.fnr not in html and ola.fnr not in html


def test_the_reference_links_to_the_receipt(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    client.post(FORM, valid_form())
    reference = Index.objects.get().reference
    html = client.get(MINE).content.decode()
    link = re.search(rf'href="(/kvittering/{reference})"', html).group(1)
    receipt = client.get(link)
    assert receipt.status_code == 200
    assert "Skjemaet er registrert" in receipt.content.decode()


def test_c4_nobody_elses_registrations(citizen_client, parent):
    """Not another citizen's, not a child over 16 or living elsewhere, and no index a tracer
    registered (only self-registrations are listed)."""
    sofie = synthetic_child_of(parent, birth_date=years(16), first_name="Sofie")
    jonas = synthetic_child_of(
        parent, birth_date=years(10), same_address=False, street_name="Fjellveien"
    )
    stranger = SyntheticPersonFactory()
    for fnr in (sofie.fnr, jonas.fnr, stranger.fnr):
        self_registration(fnr, days=1)
    IndexFactory(person=PersonFactory(fnr=parent.fnr))  # by a tracer
    html = citizen_client(parent.fnr).get(MINE).content.decode()
    assert rows(html) == []
    assert "Du har ingen registreringer her ennå." in html
    # The stranger sees their own, and nothing of the parent's.
    assert len(rows(login(stranger.fnr).get(MINE).content.decode())) == 1


def test_c4_a_child_who_turned_16_is_no_longer_listed(citizen_client, parent):
    with freeze_time("2021-12-21 12:00:00"):
        ola = synthetic_child_of(parent, birth_date=datetime.date(2005, 12, 22), first_name="Ola")
        self_registration(ola.fnr, days=1)
        client = citizen_client(parent.fnr)
        assert len(rows(client.get(MINE).content.decode())) == 1
    with freeze_time("2021-12-22 12:00:00"):
        assert rows(client.get(MINE).content.decode()) == []


def test_every_portal_page_links_to_mine(citizen_client, parent):
    client = citizen_client(parent.fnr)
    link = f'href="{MINE}"'
    for url in (START, who_url()):
        assert link in client.get(url).content.decode(), url
    mine = client.get(MINE).content.decode()
    assert re.search(rf'href="{MINE}" aria-current="page"', mine)


def test_links_to_innsyn_for_self_and_each_child(citizen_client, parent):
    synthetic_child_of(parent, birth_date=years(9), first_name="Ola")
    html = citizen_client(parent.fnr).get(MINE).content.decode()
    assert 'href="/innlogget/mine-registreringer/innsyn"' in html
    assert re.search(r'href="/innlogget/mine-registreringer/innsyn\?person=[0-9a-f]{32}"', html)
    assert "Hvem har sett opplysningene til Ola Nordmann" in html


def test_mine_is_a_fixed_number_of_queries(citizen_client, parent, django_assert_num_queries):
    """No query per registration or per child."""
    for age in (5, 9):
        child = synthetic_child_of(parent, birth_date=years(age))
        self_registration(child.fnr, days=1)
    self_registration(parent.fnr, days=20, closed=True)
    client = citizen_client(parent.fnr)
    client.get(MINE)
    with django_assert_num_queries(4):
        # The session, the citizen and the children in the register, the registrations.
        response = client.get(MINE)
    assert len(rows(response.content.decode())) == 3
