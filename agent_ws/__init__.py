"""agent_ws: the HTTP and WebSocket edge of the call centre, and the agents' pages.

Owns the FastAPI routes (``auth``, ``routes_agent``), the WebSocket endpoint (``ws``) and
its hub of per-client bounded outboxes (``hub``), login sessions (``sessions``,
``throttle``), the pydantic shapes of client input (``schemas``) and the error bodies
(``errors``), the static pages (``pages``, ``static/``), and ``app.create_app``, which wires
them. It talks to the ACD only through the ``desk.AgentDesk`` protocol, which the
composition root implements, and to the database only through ``crm_core``'s functions.
It makes no routing decisions and never imports ``callcenter`` or ``sim``. The wire
protocol is written down in ``docs/websocket.md``.
"""
