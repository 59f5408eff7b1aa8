"""D-3 as properties over any candidate list (Hypothesis)."""

from hypothesis import given
from hypothesis import strategies as st

from tracing.rules import Candidate, CandidateKind, Outcome, decide

municipalities = st.sampled_from(["0301", "4601", "5001"])
candidate_lists = st.lists(
    st.builds(
        Candidate, st.integers(1, 10_000), municipalities, st.sampled_from(list(CandidateKind))
    ),
    max_size=6,
    unique_by=lambda c: c.person_id,
)


@given(candidate_lists, municipalities)
def test_an_active_index_always_refuses(candidates, chosen):
    decision = decide(candidates, chosen)
    assert (decision.outcome is Outcome.REFUSE) == any(
        c.kind is CandidateKind.ACTIVE_INDEX for c in candidates
    )


@given(candidate_lists, municipalities)
def test_a_reused_person_is_one_of_the_candidates(candidates, chosen):
    decision = decide(candidates, chosen)
    if decision.outcome in (Outcome.ENROLL_EXISTING, Outcome.CONVERT_CONTACT):
        assert decision.person_id in {c.person_id for c in candidates}
    else:
        assert decision.person_id is None
