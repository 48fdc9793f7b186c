"""Staffing advice for team leads: Erlang C and Erlang A through the API."""

import httpx

from acd.erlang import agents_needed

from .conftest import login

# The validation point: 100 calls per 30 minutes, AHT 180 s, 80 % within 20 s.
QUERY = {"calls": 100, "interval_minutes": 30, "aht": 180, "answer_within": 20, "target": 0.8}


async def test_a_lead_gets_the_agents_needed_with_the_figures_around_it(
    http: httpx.AsyncClient,
) -> None:
    await login(http, "sue")
    answer = (await http.get("/api/supervisor/staffing", params=QUERY)).json()
    assert answer["model"] == "erlang_c"
    assert answer["erlangs"] == 10.0
    assert answer["agents"] == 14 == agents_needed(100 / 1800, 180, 20, 0.8)
    by_agents = {row["agents"]: row for row in answer["rows"]}
    assert sorted(by_agents) == [12, 13, 14, 15, 16, 17]
    # Erlang C at 12–15 agents: 64.0 %, 79.6 %, 88.8 %, 94.2 % (the figures).
    assert [round(by_agents[n]["service_level"], 3) for n in (12, 13, 14, 15)] == [
        0.640, 0.796, 0.888, 0.942,
    ]  # fmt: skip
    assert by_agents[14]["occupancy"] == round(10 / 14, 4)


async def test_with_the_callers_patience_the_advice_is_erlang_a_with_abandonment(
    http: httpx.AsyncClient,
) -> None:
    await login(http, "sue")
    answer = (await http.get("/api/supervisor/staffing", params=QUERY | {"patience": 300})).json()
    assert answer["model"] == "erlang_a"
    by_agents = {row["agents"]: row for row in answer["rows"]}
    assert abs(by_agents[13]["abandon"] - 0.025) < 0.001  # Erlang A at 13 agents: 2.50 %


async def test_bad_or_oversized_questions_are_422_naming_the_field(
    http: httpx.AsyncClient,
) -> None:
    await login(http, "sue")
    for params, field in (
        (QUERY | {"target": 1.5}, "target"),
        (QUERY | {"interval_minutes": 20}, "interval_minutes"),
        (QUERY | {"calls": 10_000_000}, "calls"),
        (QUERY | {"calls": 900_000, "aht": 3600}, "calls"),  # 150,000 Erlangs
    ):
        answer = await http.get("/api/supervisor/staffing", params=params)
        assert answer.status_code == 422
        assert field in answer.text


async def test_agents_may_not_ask_for_staffing_advice(http: httpx.AsyncClient) -> None:
    await login(http, "alice")
    assert (await http.get("/api/supervisor/staffing", params=QUERY)).status_code == 403
