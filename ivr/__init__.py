"""Voice menus: flows as validated data, a pure interpreter, and the runner over FastAGI.

``flow`` holds the data model and its loader, ``interpreter`` the pure step function,
``runner`` and ``queue_wait`` execute steps over a ``VoiceChannel`` (a FastAGI session).
No SQL and no HTTP here; CRM facts and queue access arrive through protocols.
"""
