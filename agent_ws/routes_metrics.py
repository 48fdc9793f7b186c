"""``GET /metrics``: the Prometheus text exposition, public like ``/health``.

The composition root passes the function that renders the figures; ``agent_ws`` knows
nothing of what is measured.
"""

from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import Response

#: The content type of the Prometheus text format, version 0.0.4.
PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


def metrics_router(render: Callable[[], bytes]) -> APIRouter:
    router = APIRouter()

    # ``async``: rendering reads in-memory counters, not worth a worker-thread hop.
    @router.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(render(), media_type=PROMETHEUS_TEXT)

    return router
