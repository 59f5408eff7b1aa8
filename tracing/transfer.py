"""«Overfør til annen kommune»: a tracer hands an active index to another customer municipality.

What moves: the index episode with its notes, its close contacts, and the person records they
hang on. A record moves with them when nothing else hangs on it; a record that also carries
roles staying behind (an earlier episode, a contact role of another index) stays, and the
receiving municipality gets a copy. Where the receiving municipality already has a record for
the person (a close contact there, an earlier episode), that record is reused, as the duplicate
rules reuse the record in the chosen municipality (D-2b, D-2c), and the sender's record is
deleted if nothing hangs on it any more. The outcome the sender sees is the same either way, so
the sender learns nothing of what the receiver holds (B-1).

One transaction, taking the person lock of the index's number, then the index's row, then the
person locks of its contacts' numbers (the order close_contact_register takes the index and a
contact's lock in): a transfer racing another transfer, an edit of the index or a registration
of one of its persons ends as one of the serial orders.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.localtime import local_date, local_timestamp
from municipalities.models import Municipality
from municipalities.selectors import municipality_get
from tracing.access import index_transfer_log
from tracing.models import CloseContact, Index, Note, Person
from tracing.registration import PERSON_FIELDS
from tracing.services import TracingError, index_lock_unmoved, person_lock

# Data, not interface: written in bokmål like the I-4 notes, so tracers can search for it.
NOTE_TITLE = "Overført fra annen kommune"


class TransferRefused(TracingError):
    """The transfer is not allowed; `field` names the form field the message belongs to."""

    def __init__(self, message: str, *, field: str | None = None):
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class TransferContents:
    """What a transfer of the index moves, for the confirmation page."""

    contacts: list[CloseContact]
    note_count: int
    # Earlier episodes of the person in the sending municipality: they stay there.
    other_episode_count: int


def transfer_contents(index: Index) -> TransferContents:
    return TransferContents(
        contacts=list(index.close_contacts.select_related("person").order_by("pk")),
        note_count=index.notes.count(),
        other_episode_count=index.person.indexes.exclude(pk=index.pk).count(),
    )


def transfer_receiver_check(*, index: Index, number: str) -> Municipality:
    """The receiving municipality, if it may receive the index: a customer (A-1) other than the
    index's own."""
    receiver = municipality_get(number=number)
    if receiver is None or not receiver.is_customer:
        raise TransferRefused(
            gettext(
                "Kommunen er ikke kunde av smittesporingstjenesten og kan ikke ta imot indekser."
            ),
            field="kommune",
        )
    if receiver.number == index.municipality_id:
        raise TransferRefused(
            gettext("Indeksen hører allerede til %(name)s.") % {"name": receiver.name},
            field="kommune",
        )
    return receiver


def _has_roles(record: Person, *, besides: Index | CloseContact) -> bool:
    indexes = record.indexes.all()
    contacts = record.contact_roles.all()
    if isinstance(besides, Index):
        indexes = indexes.exclude(pk=besides.pk)
    else:
        contacts = contacts.exclude(pk=besides.pk)
    return indexes.exists() or contacts.exists()


def _record_in(
    number: str, record: Person, *, moving: Index | CloseContact, now: datetime.datetime
) -> Person:
    """The record in municipality `number` for the person of `record`, that `moving` is to hang
    on from now: the one already there (its empty fields filled in from `record`), else
    `record` itself moved there, else a copy of it."""
    there = (
        Person.objects.select_for_update()
        .filter(fnr=record.fnr, municipality_id=number)
        .order_by("-pk")
        .first()
    )
    details = {name: getattr(record, name) for name in PERSON_FIELDS if name != "fnr"}
    if there is not None:
        # Nothing the receiving tracers have entered is overwritten.
        for name, value in details.items():
            if value not in ("", None) and getattr(there, name) in ("", None):
                setattr(there, name, value)
        there.updated_at = now
        there.save()
        return there
    if not _has_roles(record, besides=moving):
        record.municipality_id = number
        record.updated_at = now
        record.save(update_fields=["municipality", "updated_at"])
        return record
    # The sending municipality keeps its record: a second one now exists elsewhere (D-1c).
    return Person.objects.create(
        fnr=record.fnr,
        municipality_id=number,
        possible_duplicate=True,
        created_at=now,
        updated_at=now,
        **details,
    )


def _left_behind(record: Person, now_on: Person) -> None:
    """Delete the sending municipality's record once nothing hangs on it: its data lives on in
    the receiving municipality's record."""
    if record.pk != now_on.pk and not (record.indexes.exists() or record.contact_roles.exists()):
        record.delete()


def _note_text(
    *,
    sender: Municipality,
    receiver: Municipality,
    who: str,
    username: str,
    now: datetime.datetime,
    reason: str,
    contact_count: int,
) -> str:
    contacts = f"{contact_count} nærkontakt" + ("" if contact_count == 1 else "er")
    return (
        f"Indeksen er overført fra {sender.name} til {receiver.name} {local_timestamp(now)} "
        f"av {who} ({username}). Personkortet, notatene og {contacts} fulgte med.\n"
        f"Begrunnelse: {reason}"
    )


def index_transfer(
    *,
    index: Index,
    to_number: str,
    reason: str,
    user: AbstractBaseUser,
    author_label: str,
    now: datetime.datetime | None = None,
) -> Index:
    """Hand `index` (reached by `user` through tracing.access) to municipality `to_number`.

    Refused (TransferRefused, nothing written) without a reason, for a municipality that is not
    a customer or is the index's own, and for an index that is no longer active; IndexMoved if
    the index left its municipality after the caller reached it. Under D-3 the index is its
    person's only active one, so the receiving municipality cannot already have an active
    index for the person; a record it has for the person is reused (module docstring).
    """
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise TransferRefused(
            gettext("Skriv en begrunnelse for overføringen."), field="begrunnelse"
        )
    receiver = transfer_receiver_check(index=index, number=to_number)
    with transaction.atomic():
        person_lock(index.fnr)
        locked = index_lock_unmoved(index)
        if locked.status != Index.Status.ACTIVE:
            raise TransferRefused(gettext("Bare en aktiv indeks kan overføres."))
        sender = locked.municipality
        contacts = list(locked.close_contacts.select_related("person").order_by("pk"))
        for fnr in sorted({c.person.fnr for c in contacts}):
            person_lock(fnr)

        old_record = Person.objects.select_for_update().get(pk=locked.person_id)
        locked.person = _record_in(receiver.number, old_record, moving=locked, now=now)
        locked.municipality = receiver
        locked.transferred_from = sender
        locked.transferred_at = now
        locked.transferred_by = user
        # A hand-over is due in the receiving municipality's «Indeksoppfølging i dag» at once.
        locked.follow_up_on = local_date(now)
        locked.save(
            update_fields=[
                "person",
                "municipality",
                "transferred_from",
                "transferred_at",
                "transferred_by",
                "follow_up_on",
            ]
        )
        _left_behind(old_record, locked.person)

        for contact in contacts:
            old_contact_record = Person.objects.select_for_update().get(pk=contact.person_id)
            contact.person = _record_in(
                receiver.number, old_contact_record, moving=contact, now=now
            )
            contact.municipality = receiver
            contact.save(update_fields=["person", "municipality"])
            _left_behind(old_contact_record, contact.person)

        Note.objects.create(
            index=locked,
            title=NOTE_TITLE,
            text=_note_text(
                sender=sender,
                receiver=receiver,
                who=author_label,
                username=user.get_username(),
                now=now,
                reason=reason,
                contact_count=len(contacts),
            ),
            created_at=now,
            author_user=user,
            author_label=author_label,
        )
        index_transfer_log(
            user=user, index=locked, contacts=contacts, from_number=sender.number, now=now
        )
    return locked
