"""D-3: the duplicate rules as a table, one row per rule of spec section 5, plus precedence."""

import pytest

from tracing.rules import Candidate, CandidateKind, Decision, Outcome, decide

ACTIVE, CLOSED, CONTACT = (
    CandidateKind.ACTIVE_INDEX,
    CandidateKind.CLOSED_INDEX,
    CandidateKind.CLOSE_CONTACT,
)
HERE, ELSEWHERE, THIRD = "0301", "4601", "5001"


def c(person_id: int, municipality: str, kind: CandidateKind) -> Candidate:
    return Candidate(person_id=person_id, municipality_number=municipality, kind=kind)


TABLE = [
    # (rule id, candidates, expected decision)
    ("D-0 no candidate: new person and index", [], Decision(Outcome.CREATE, "D-0")),
    ("D-1a one active index here: refuse", [c(1, HERE, ACTIVE)], Decision(Outcome.REFUSE, "D-1a")),
    (
        "D-1a one active index elsewhere: refuse",
        [c(1, ELSEWHERE, ACTIVE)],
        Decision(Outcome.REFUSE, "D-1a"),
    ),
    (
        "D-1b one closed index here: re-enroll",
        [c(1, HERE, CLOSED)],
        Decision(Outcome.ENROLL_EXISTING, "D-1b", 1),
    ),
    (
        "D-1c one closed index elsewhere: new duplicate",
        [c(1, ELSEWHERE, CLOSED)],
        Decision(Outcome.CREATE_DUPLICATE, "D-1c"),
    ),
    (
        "D-1d one close contact here: convert",
        [c(1, HERE, CONTACT)],
        Decision(Outcome.CONVERT_CONTACT, "D-1d", 1),
    ),
    (
        "D-1d one close contact elsewhere: convert",
        [c(1, ELSEWHERE, CONTACT)],
        Decision(Outcome.CONVERT_CONTACT, "D-1d", 1),
    ),
    (
        "D-2a an active index among several: refuse",
        [c(1, HERE, CLOSED), c(2, ELSEWHERE, ACTIVE)],
        Decision(Outcome.REFUSE, "D-2a"),
    ),
    (
        "D-2a refuse beats an index here",
        [c(1, HERE, CLOSED), c(2, HERE, ACTIVE), c(3, HERE, CONTACT)],
        Decision(Outcome.REFUSE, "D-2a"),
    ),
    (
        "D-2b closed index here among several: reuse",
        [c(1, ELSEWHERE, CLOSED), c(2, HERE, CLOSED)],
        Decision(Outcome.ENROLL_EXISTING, "D-2b", 2),
    ),
    (
        "D-2b index here beats contact here",
        [c(1, HERE, CONTACT), c(2, HERE, CLOSED)],
        Decision(Outcome.ENROLL_EXISTING, "D-2b", 2),
    ),
    (
        "D-2b two indexes here: the newest record",
        [c(3, HERE, CLOSED), c(7, HERE, CLOSED), c(9, ELSEWHERE, CONTACT)],
        Decision(Outcome.ENROLL_EXISTING, "D-2b", 7),
    ),
    (
        "D-2c close contact here among several: convert",
        [c(1, ELSEWHERE, CLOSED), c(2, HERE, CONTACT)],
        Decision(Outcome.CONVERT_CONTACT, "D-2c", 2),
    ),
    (
        "D-2c two contacts, one here",
        [c(1, ELSEWHERE, CONTACT), c(2, HERE, CONTACT)],
        Decision(Outcome.CONVERT_CONTACT, "D-2c", 2),
    ),
    (
        "D-2d indexes elsewhere only: new duplicate",
        [c(1, ELSEWHERE, CLOSED), c(2, THIRD, CLOSED)],
        Decision(Outcome.CREATE_DUPLICATE, "D-2d"),
    ),
    (
        "D-2d contacts elsewhere only (close contact elsewhere counts for one candidate only)",
        [c(1, ELSEWHERE, CONTACT), c(2, THIRD, CONTACT)],
        Decision(Outcome.CREATE_DUPLICATE, "D-2d"),
    ),
    (
        "D-2d index and contact elsewhere",
        [c(1, ELSEWHERE, CLOSED), c(2, THIRD, CONTACT)],
        Decision(Outcome.CREATE_DUPLICATE, "D-2d"),
    ),
]


@pytest.mark.parametrize(("rule", "candidates", "expected"), TABLE, ids=[row[0] for row in TABLE])
def test_duplicate_rules(rule, candidates, expected):
    assert decide(candidates, HERE) == expected


@pytest.mark.parametrize(
    "rule", ["D-0", "D-1a", "D-1b", "D-1c", "D-1d", "D-2a", "D-2b", "D-2c", "D-2d"]
)
def test_every_rule_has_a_row(rule):
    assert any(row[0].startswith(rule) for row in TABLE)


def test_order_of_candidates_does_not_change_the_decision():
    candidates = [c(1, ELSEWHERE, CLOSED), c(2, HERE, CONTACT), c(3, HERE, CLOSED)]
    assert decide(candidates, HERE) == decide(list(reversed(candidates)), HERE)


def test_the_possible_duplicate_rules_are_those_of_a_new_duplicate_record():
    """The worklists' «Mulig duplikat» filter finds what D-1c and D-2d made (section 5)."""
    from tracing.rules import POSSIBLE_DUPLICATE_RULES, RULE_DESCRIPTIONS

    elsewhere = Candidate(1, "4601", CandidateKind.CLOSED_INDEX)
    also = Candidate(2, "5001", CandidateKind.CLOSED_INDEX)
    rules = {decide(c, "0301") for c in ([elsewhere], [elsewhere, also])}
    assert {(d.outcome, d.rule) for d in rules} == {
        (Outcome.CREATE_DUPLICATE, r) for r in POSSIBLE_DUPLICATE_RULES
    }
    assert all(r in RULE_DESCRIPTIONS for r in POSSIBLE_DUPLICATE_RULES)
