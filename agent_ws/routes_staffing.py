"""REST route of staffing advice: ``GET /api/supervisor/staffing`` (roles supervisor, admin).

How many agents an interval needs for a service-level target, from ``acd.erlang``: Erlang C
(callers wait as long as it takes) or, given the callers' mean ``patience``, Erlang A (they
give up). The answer lists the figures around the advice too, so a lead sees what one agent
more or less would do. The sizes are bounded (the formulas' cost grows with the traffic).
"""

import math
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query

from acd.erlang import agents_needed, average_speed_of_answer, erlang_a, service_level

from .auth import Auth
from .sessions import LoginSession

#: Offered traffic (Erlangs) above which advice is refused: Erlang C is cheap at any size,
#: Erlang A sums a chain per candidate count.
MAX_ERLANGS = 2_000.0
MAX_ERLANGS_WITH_PATIENCE = 300.0
INTERVALS = (15, 30, 60)
#: Rows of the table below and above the advice.
AROUND = (2, 3)


def staffing_router(*, auth: Auth) -> APIRouter:
    router = APIRouter(prefix="/api/supervisor", tags=["supervisor"])
    Lead = Annotated[LoginSession, Depends(auth.require("supervisor", "admin"))]

    # A plain ``def``: FastAPI runs it in a worker thread, so the formulas never hold the loop.
    @router.get("/staffing", summary="Agents needed for a service-level target (Erlang C or A)")
    def staffing(
        session: Lead,
        calls: Annotated[float, Query(gt=0, le=1_000_000, description="calls per interval")],
        aht: Annotated[float, Query(gt=0, le=7200, description="average handle time, s")],
        interval_minutes: Annotated[int, Query(description="15, 30 or 60")] = 30,
        answer_within: Annotated[float, Query(gt=0, le=3600)] = 20.0,
        target: Annotated[float, Query(gt=0, lt=1)] = 0.8,
        patience: Annotated[float | None, Query(gt=0, le=3600)] = None,
    ) -> dict[str, object]:
        if interval_minutes not in INTERVALS:
            raise HTTPException(422, "interval_minutes: must be 15, 30 or 60")
        rate = calls / (interval_minutes * 60)
        erlangs = rate * aht
        limit = MAX_ERLANGS if patience is None else MAX_ERLANGS_WITH_PATIENCE
        if erlangs > limit:
            raise HTTPException(
                422,
                f"calls: calls × aht is {erlangs:.0f} Erlangs; advice is given up to {limit:.0f}",
            )
        needed = agents_needed(rate, aht, answer_within, target, patience=patience)
        first = max(1, needed - AROUND[0], math.floor(erlangs) + 1 if patience is None else 1)
        last = needed + AROUND[1]
        rows = [_row(n, rate, aht, answer_within, patience) for n in range(first, last + 1)]
        return {
            "model": "erlang_c" if patience is None else "erlang_a",
            "erlangs": round(erlangs, 3),
            "agents": needed,
            "rows": rows,
        }

    return router


def _row(
    agents: int, rate: float, aht: float, answer_within: float, patience: float | None
) -> dict[str, object]:
    occupancy = min(1.0, rate * aht / agents)
    if patience is None:
        return {
            "agents": agents,
            "service_level": round(service_level(agents, rate, aht, answer_within), 4),
            "asa": round(average_speed_of_answer(agents, rate, aht), 2),
            "occupancy": round(occupancy, 4),
        }
    figures = erlang_a(agents, rate, aht, patience, answer_within)
    return {
        "agents": agents,
        "service_level": round(figures.service_level_offered, 4),
        "abandon": round(figures.abandon, 4),
        "mean_wait": round(figures.mean_wait, 2),
        "occupancy": round(occupancy * (1 - figures.abandon), 4),
    }
