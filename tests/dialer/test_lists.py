"""Lists by priority, within quotas, same-priority lists sharing dials by their yield."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialer.lists import ListStats, allocate, scores


def test_a_higher_priority_list_is_drawn_from_first() -> None:
    lists = [ListStats("gold", 1, ready=3), ListStats("silver", 2, ready=50)]
    assert allocate(lists, 2) == {"gold": 2, "silver": 0}
    # Gold runs out of ready leads: the rest come from silver.
    assert allocate(lists, 10) == {"gold": 3, "silver": 7}


def test_a_list_at_its_quota_is_not_dialed_and_in_flight_dials_count() -> None:
    lists = [ListStats("gold", 1, quota=10, dials=8, ready=40), ListStats("silver", 2, ready=40)]
    assert allocate(lists, 5) == {"gold": 2, "silver": 3}
    spent = [ListStats("gold", 1, quota=10, dials=10, ready=40), ListStats("silver", 2, ready=4)]
    assert allocate(spent, 5) == {"gold": 0, "silver": 4}


def test_lists_of_one_priority_share_dials_by_yield() -> None:
    # 300 dials each: 30% against 10% (pooled 20%), shrunk by 20 pseudo-dials at 20%.
    lists = [
        ListStats("renewals", dials=300, answered=90, ready=100),
        ListStats("lapsed", dials=300, answered=30, ready=100),
    ]
    assert scores(lists) == pytest.approx({"renewals": 94 / 320, "lapsed": 34 / 320})
    # 12 dials split 94 : 34 → 8.81 and 3.19 → 9 and 3.
    assert allocate(lists, 12) == {"renewals": 9, "lapsed": 3}


def test_a_list_that_yields_nothing_still_gets_a_share_to_prove_itself() -> None:
    lists = [
        ListStats("good", dials=1000, answered=400, ready=100),
        ListStats("dead", dials=1000, answered=0, ready=100),
    ]
    assert allocate(lists, 20)["dead"] >= 1


def test_nonsense_is_refused() -> None:
    with pytest.raises(ValueError, match="answered"):
        ListStats("x", dials=1, answered=2)
    with pytest.raises(ValueError, match="quota"):
        ListStats("x", quota=-1)
    with pytest.raises(ValueError, match="floor"):
        allocate([], 1, floor=0)


STATS = st.builds(
    ListStats,
    list_id=st.text("abcdef", min_size=1, max_size=3),
    priority=st.integers(1, 3),
    quota=st.one_of(st.none(), st.integers(0, 60)),
    dials=st.integers(0, 50),
    ready=st.integers(0, 30),
)


@given(
    st.lists(STATS, max_size=6, unique_by=lambda s: s.list_id),
    st.integers(0, 100),
    st.data(),
)
def test_allocation_honours_quotas_priorities_and_places_every_dial_it_can(
    lists: list[ListStats], n: int, data: st.DataObject
) -> None:
    lists = [
        ListStats(
            s.list_id, s.priority, s.quota, s.dials, data.draw(st.integers(0, s.dials)), s.ready
        )
        for s in lists
    ]
    given_ = allocate(lists, n)
    by_id = {s.list_id: s for s in lists}
    assert sum(given_.values()) == min(n, sum(s.room for s in lists))
    for list_id, k in given_.items():
        assert 0 <= k <= by_id[list_id].room
        if k:
            # Every list of a higher priority was given all it could take.
            higher = [s for s in lists if s.priority < by_id[list_id].priority]
            assert all(given_[s.list_id] == s.room for s in higher)
