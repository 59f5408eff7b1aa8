"""The tracing history of the synthetic population: indexes, close contacts, notes.

For each municipality a shuffled share of its persons gets a role: an active index (Oslo: a
fixed count, 5 % of all persons, so 50 000 at N = 1 000 000; elsewhere 2 % of the
municipality), a closed index history (15 %), or a close-contact role (8 %, first the
household members of active indexes). The rows keep what tracing.services.index_register keeps:

- at most one active index per fødselsnummer (`one_active_index_per_fnr`); records made in
  another municipality (D-1c) are closed;
- `closed_at` set exactly for closed indexes;
- `duplicate_rule` and `duplicate_candidates` as the service writes them: D-0 for a first
  index, D-1b for a re-enrolled record, D-1c for a duplicate record elsewhere, D-1d for a close
  contact converted to an index (with `converted_from_contact`);
- self-registered indexes (60 % of active, 40 % of closed) have a submission id, are
  registered by the person (or, under 16, by a parent at the same address: `guardian`), and
  carry the two I-4 notes written by tracing.notes;
- every number that has had an index has its PersonLock row, as the service leaves it.
"""

import datetime
import random
import uuid
from collections import Counter

from core.localtime import zone
from demo.population_register import GeneratedPerson, MunicipalityPopulation
from tracing import notes, references
from tracing.registration import (
    ANSWER_FIELDS,
    Answers,
    Channel,
    Registration,
    registration_errors,
    values_of,
)

OSLO = "0301"
OSLO_ACTIVE_PER_PERSON = 0.05  # of all N persons: 50 000 open indexes in Oslo at 1 000 000
ACTIVE_SHARE = 0.02
CLOSED_SHARE = 0.15
CONTACT_SHARE = 0.08
REENROLLED_SHARE = 0.10
CONVERTED_SHARE = 0.05
SECOND_EPISODE_SHARE = 0.15
DUPLICATE_ELSEWHERE_SHARE = 0.03
SELFREG_SHARE_ACTIVE = 0.6
SELFREG_SHARE_CLOSED = 0.4
HOUSEHOLD_CONTACT_SHARE = 0.8
ACTIVE_DAYS = 10
FOLLOW_UP_OFFSETS = (-2, -1, 0, 1, 2)  # days from today; most are due today
FOLLOW_UP_WEIGHTS = (1, 2, 4, 2, 1)
PLACES = ("household", "work", "school", "leisure", "abroad", "unknown", "other")
PLACE_WEIGHTS = (35, 15, 15, 15, 3, 15, 2)
OTHER_PLACES = ("Trening", "Konsert", "Kollektivtransport", "Familieselskap")
NEIGHBOURHOODS = ("Sentrum", "Nordby", "Haugen", "Bakken", "Lia", "Vestre", "Østre", "Sjøsiden")
WORKPLACES = ("Sykehjemmet", "Kommunen", "Dagligvarebutikk", "Sykehuset", "Byggeplass",
              "Kontor", "Restaurant", "Transportselskap", "Barnehagen", "Skolen")  # fmt: skip
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def _candidates(person_id: int, municipality: str, kind: str) -> list[dict]:
    return [{"person_id": person_id, "municipality_number": municipality, "kind": kind}]


class TracingGenerator:
    def __init__(
        self, *, rng: random.Random, now: datetime.datetime, add_row, other_numbers, first_ids
    ):
        self.rng = rng
        self.now = now
        self.today = now.astimezone(zone()).date()
        self.add_row = add_row
        self.other_numbers = other_numbers  # (numbers, cumulative weights) for D-1c records
        self.counts: Counter[str] = Counter()
        # The last id given per kind ("person", "index", "contact"); see bulkload.next_ids.
        self._ids = Counter({kind: first - 1 for kind, first in first_ids.items()})
        # References from a generator of their own, so that the rest of the data set stays what
        # the seed made it.
        self._reference_rng = random.Random("references")
        self.references: set[str] = set()

    def _next(self, kind: str) -> int:
        self._ids[kind] += 1
        return self._ids[kind]

    def _days_ago(self, low: float, high: float) -> datetime.datetime:
        return self.now - datetime.timedelta(seconds=self.rng.uniform(low, high) * 86400)

    def municipality(self, population: MunicipalityPopulation, active: int) -> None:
        rng, persons, number = self.rng, population.persons, population.number
        count = len(persons)
        active = min(active, count)
        closed = min(round(CLOSED_SHARE * count), count - active)
        order = list(range(count))
        rng.shuffle(order)
        has_role = [False] * count
        active_indexes: list[tuple[int, datetime.datetime, int]] = []  # id, opened, person
        closed_indexes: list[tuple[int, datetime.datetime, datetime.datetime]] = []
        for i in order[:active]:
            has_role[i] = True
            active_indexes.append((*self._active(persons[i], number, active_indexes), i))
        for i in order[active : active + closed]:
            has_role[i] = True
            closed_indexes.extend(self._closed(persons[i], number))
        contacts = min(round(CONTACT_SHARE * count), count - active - closed)
        if active_indexes or closed_indexes:
            self._contacts(population, contacts, has_role, order, active_indexes, closed_indexes)

    def _person(self, p: GeneratedPerson, number: str, created, updated, duplicate=False) -> int:
        person_id = self._next("person")
        self.add_row(
            "person",
            (person_id, p.fnr, number, p.first_name, p.middle_name, p.last_name, p.birth_date,
             p.street_address, p.postal_code, p.post_town, p.phone, p.email, duplicate,
             created, updated),
        )  # fmt: skip
        self.counts["tracing_persons"] += 1
        return person_id

    def _active(
        self, p: GeneratedPerson, number: str, earlier: list
    ) -> tuple[int, datetime.datetime]:
        rng = self.rng
        opened = self._days_ago(0, ACTIVE_DAYS)
        self.add_row("lock", (p.fnr,))
        draw = rng.random()
        source = None
        if REENROLLED_SHARE <= draw < REENROLLED_SHARE + CONVERTED_SHARE and earlier:
            source = earlier[rng.randrange(len(earlier))]
            if source[1] > opened - 6 * HOUR:
                source = None
        if draw < REENROLLED_SHARE:
            first_opened = self._days_ago(30, 700)
            person_id = self._person(p, number, first_opened, opened)
            self._index(
                person_id,
                p,
                number,
                first_opened,
                first_opened + rng.uniform(5, 14) * DAY,
                "D-0",
                [],
            )
            index_id = self._index(person_id, p, number, opened, None, "D-1b",
                                   _candidates(person_id, number, "closed_index"))  # fmt: skip
        elif source is not None:
            contact_at = source[1] + (opened - source[1]) * rng.uniform(0.1, 0.9)
            person_id = self._person(p, number, contact_at, opened)
            contact_id = self._contact(person_id, source[0], number, contact_at, source[1])
            index_id = self._index(person_id, p, number, opened, None, "D-1d",
                                   _candidates(person_id, number, "close_contact"), contact_id)  # fmt: skip
        else:
            person_id = self._person(p, number, opened, opened)
            index_id = self._index(person_id, p, number, opened, None, "D-0", [])
        return index_id, opened

    def _closed(self, p: GeneratedPerson, number: str) -> list:
        rng = self.rng
        self.add_row("lock", (p.fnr,))
        two = rng.random() < SECOND_EPISODE_SHARE
        episodes = [self._days_ago(200, 700) if two else self._days_ago(20, 700)]
        if two:
            episodes.append(self._days_ago(20, 190))
        closings = [opened + rng.uniform(5, 14) * DAY for opened in episodes]
        person_id = self._person(p, number, episodes[0], closings[-1])
        made = []
        for i, (opened, closed) in enumerate(zip(episodes, closings, strict=True)):
            rule, seen = (
                ("D-0", []) if i == 0 else ("D-1b", _candidates(person_id, number, "closed_index"))
            )
            made.append(
                (self._index(person_id, p, number, opened, closed, rule, seen), opened, closed)
            )
        if rng.random() < DUPLICATE_ELSEWHERE_SHARE:
            self._duplicate_elsewhere(p, number, person_id, closings[-1])
        return made

    def _duplicate_elsewhere(self, p: GeneratedPerson, number: str, person_id: int, after) -> None:
        """D-1c: registered later in another municipality; a new record marked duplicate."""
        numbers, cum_weights = self.other_numbers
        other = number
        while other == number:
            other = self.rng.choices(numbers, cum_weights=cum_weights)[0]
        opened = min(after + self.rng.uniform(1, 5) * DAY, self.now - 2 * DAY)
        closed = min(opened + self.rng.uniform(5, 14) * DAY, self.now - HOUR)
        duplicate_id = self._person(p, other, opened, closed, duplicate=True)
        self._index(duplicate_id, p, other, opened, closed, "D-1c",
                    _candidates(person_id, number, "closed_index"))  # fmt: skip
        self.counts["duplicate_records"] += 1

    def _contacts(self, population, quota, has_role, order, active_indexes, closed_indexes):
        rng, persons, number = self.rng, population.persons, population.number
        made = 0
        for index_id, opened, i in active_indexes:  # household members first
            for j in population.households[persons[i].household]:
                if made < quota and not has_role[j] and rng.random() < HOUSEHOLD_CONTACT_SHARE:
                    has_role[j] = True
                    self._contact_record(persons[j], number, index_id, opened, None)
                    made += 1
        for j in order:
            if made >= quota:
                break
            if has_role[j]:
                continue
            if active_indexes and (not closed_indexes or rng.random() < 0.8):
                index_id, opened, _ = active_indexes[rng.randrange(len(active_indexes))]
                closed = None
            else:
                index_id, opened, closed = closed_indexes[rng.randrange(len(closed_indexes))]
            has_role[j] = True
            self._contact_record(persons[j], number, index_id, opened, closed)
            made += 1

    def _contact_record(self, p, number, index_id, index_opened, index_closed) -> None:
        registered = index_opened + self.rng.uniform(1, 24) * HOUR
        registered = min(registered, index_closed or self.now, self.now)
        person_id = self._person(p, number, registered, registered)
        self._contact(person_id, index_id, number, registered, index_opened)

    def _contact(self, person_id, index_id, number, registered, index_opened) -> int:
        contact_id = self._next("contact")
        last_contact = index_opened.astimezone(zone()).date() - self.rng.randrange(3) * DAY
        self.add_row("contact", (contact_id, person_id, index_id, number, registered, last_contact))
        self.counts["close_contacts"] += 1
        return contact_id

    def _index(
        self, person_id, p: GeneratedPerson, number, opened, closed, rule, seen, contact=None
    ) -> int:
        rng = self.rng
        index_id = self._next("index")
        opened_on = opened.astimezone(zone()).date()
        if closed is None:
            offset = rng.choices(FOLLOW_UP_OFFSETS, weights=FOLLOW_UP_WEIGHTS)[0]
            follow_up = max(opened_on, self.today + offset * DAY)
        else:
            follow_up = closed.astimezone(zone()).date()
        age = (opened_on - p.birth_date).days // 365
        share = SELFREG_SHARE_CLOSED if closed else SELFREG_SHARE_ACTIVE
        self_registered = rng.random() < share
        if self_registered:
            by_guardian = age < 16 and bool(p.guardian_fnr)
            kind, by_fnr = ("guardian", p.guardian_fnr) if by_guardian else ("self", p.fnr)
            submission = uuid.UUID(int=rng.getrandbits(128), version=4)
        else:
            kind, by_fnr, submission = rng.choice(("staff",) * 9 + ("api",)), "", None
        tested_days_ago = rng.randrange(3)
        test_from = opened_on - tested_days_ago * DAY
        test_to = opened_on if tested_days_ago and rng.random() < 0.1 else None
        no_symptoms = rng.random() < 0.25
        onset = None if no_symptoms else test_from - rng.randrange(4) * DAY
        place = rng.choices(PLACES, weights=PLACE_WEIGHTS)[0]
        place_text = rng.choice(OTHER_PLACES) if place == "other" else ""
        risk = rng.choices(("yes", "no", "unknown"), weights=(8, 80, 12))[0]
        answers = Answers(
            workplace_or_school=self._workplace(age), test_date_from=test_from,
            test_date_to=test_to, no_symptoms=no_symptoms, symptom_onset_from=onset,
            infection_place=place, infection_place_description=place_text, risk_group=risk,
        )  # fmt: skip
        errors = registration_errors(answers, today=opened_on, channel=Channel.BULK)
        if errors:
            raise ValueError(f"generated answers break the registration rules: {errors}")
        status = "active" if closed is None else "closed"
        self.add_row(
            "index",
            (index_id, person_id, p.fnr, self._reference(), number, status, opened, closed, follow_up,
             *(getattr(answers, name) for name in ANSWER_FIELDS),
             self_registered, kind, by_fnr, submission, rule, seen, contact, p.birth_date),
        )  # fmt: skip
        self.counts[f"indexes_{status}"] += 1
        if status == "active" and number == OSLO:
            self.counts["oslo_active"] += 1
        if self_registered:
            registration = Registration(
                fnr=p.fnr, first_name=p.first_name, last_name=p.last_name, phone=p.phone,
                email=p.email, **values_of(answers),
            )  # fmt: skip
            self._notes(index_id, registration, opened, by_guardian=kind == "guardian")
        return index_id

    def _notes(self, index_id: int, registration, moment, *, by_guardian: bool) -> None:
        """I-4, as tracing.services._write_selfreg_notes writes them."""
        label = "Selvregistrering (foresatt)" if by_guardian else "Selvregistrering"
        info = notes.info_text(registration=registration, moment=moment, by_guardian=by_guardian)
        self.add_row("note", (index_id, notes.DONE_TITLE, notes.done_text(moment), moment, label))
        later = moment + datetime.timedelta(microseconds=1)
        self.add_row("note", (index_id, notes.INFO_TITLE, info, later, label))
        self.counts["notes"] += 2

    def _reference(self) -> str:
        """A reference from the seeded generator (the data set is reproducible), never one
        already given in this run."""
        while True:
            reference = "".join(
                self._reference_rng.choices(references.ALPHABET, k=references.LENGTH)
            )
            if reference not in self.references:
                self.references.add(reference)
                return reference

    def _workplace(self, age: int) -> str:
        place = self.rng.choice(NEIGHBOURHOODS)
        if age < 6:
            return f"{place} barnehage"
        if age < 16:
            return f"{place} skole"
        if age < 19:
            return f"{place} videregående skole"
        if age >= 67:
            return ""
        return self.rng.choice(WORKPLACES)
