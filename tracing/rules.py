"""The duplicate rules for index registration (spec section 5, D-0…D-3).

One pure function: candidate snapshots and the chosen municipality in, a decision out. No ORM
here; `tracing.selectors.duplicate_candidates` loads the snapshots and
`tracing.services.index_register` applies the decision.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class CandidateKind(StrEnum):
    ACTIVE_INDEX = "active_index"
    CLOSED_INDEX = "closed_index"
    CLOSE_CONTACT = "close_contact"


@dataclass(frozen=True)
class Candidate:
    """A person record in the tracing system with the registered person's fødselsnummer."""

    person_id: int
    municipality_number: str
    kind: CandidateKind


CANDIDATE_KIND_LABELS = {
    CandidateKind.ACTIVE_INDEX: _("Aktiv indeks"),
    CandidateKind.CLOSED_INDEX: _("Avsluttet indeks"),
    CandidateKind.CLOSE_CONTACT: _("Nærkontakt"),
}


class Outcome(StrEnum):
    CREATE = "create"  # new person record and index
    REFUSE = "refuse"  # already registered and under follow-up
    ENROLL_EXISTING = "enroll_existing"  # new index episode on an existing index person
    CONVERT_CONTACT = "convert_contact"  # close contact becomes index
    CREATE_DUPLICATE = "create_duplicate"  # new person record, marked possible duplicate


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    rule: str
    person_id: int | None = None


def _latest(candidates: list[Candidate]) -> Candidate:
    # Where two records fit equally, the newest record is the one tracers have worked on last.
    return max(candidates, key=lambda c: c.person_id)


def decide(candidates: Sequence[Candidate], chosen_municipality: str) -> Decision:
    """Precedence: refuse > index in chosen municipality > close contact in chosen municipality >
    (one candidate only) close contact elsewhere > new duplicate."""
    if not candidates:
        return Decision(Outcome.CREATE, "D-0")
    single = len(candidates) == 1
    if any(c.kind is CandidateKind.ACTIVE_INDEX for c in candidates):
        return Decision(Outcome.REFUSE, "D-1a" if single else "D-2a")
    here = [c for c in candidates if c.municipality_number == chosen_municipality]
    indexes_here = [c for c in here if c.kind is CandidateKind.CLOSED_INDEX]
    if indexes_here:
        return Decision(
            Outcome.ENROLL_EXISTING, "D-1b" if single else "D-2b", _latest(indexes_here).person_id
        )
    contacts_here = [c for c in here if c.kind is CandidateKind.CLOSE_CONTACT]
    if contacts_here:
        return Decision(
            Outcome.CONVERT_CONTACT, "D-1d" if single else "D-2c", _latest(contacts_here).person_id
        )
    if single and candidates[0].kind is CandidateKind.CLOSE_CONTACT:
        return Decision(Outcome.CONVERT_CONTACT, "D-1d", candidates[0].person_id)
    return Decision(Outcome.CREATE_DUPLICATE, "D-1c" if single else "D-2d")


# The rules that make a new record beside records elsewhere (Outcome.CREATE_DUPLICATE): the
# indexes the worklists' «Mulig duplikat» filter finds.
POSSIBLE_DUPLICATE_RULES = ("D-1c", "D-2d")


# What each rule decides, as the index page explains an index's source to a tracer.
RULE_DESCRIPTIONS = {
    "D-0": _("Ingen treff: ny person og indeks i valgt kommune"),
    "D-1a": _("Ett treff, aktiv indeks: avvist"),
    "D-1b": _("Ett treff, avsluttet indeks i valgt kommune: innrullert på nytt"),
    "D-1c": _(
        "Ett treff, avsluttet indeks i en annen kommune: ny indeks, merket som mulig duplikat"
    ),
    "D-1d": _("Ett treff, nærkontakt: gjort om til indeks"),
    "D-2a": _("Flere treff, minst én aktiv indeks: avvist"),
    "D-2b": _("Flere treff, indeks i valgt kommune: personen gjenbrukt og innrullert"),
    "D-2c": _("Flere treff, nærkontakt i valgt kommune: gjort om til indeks"),
    "D-2d": _("Flere treff, ingen i valgt kommune: ny indeks, merket som mulig duplikat"),
}
