"""Voice menus: flows as validated data, a pure interpreter, and the runner over FastAGI.

Data: ``nodes`` (node types), ``flow`` (``Flow``, ``load_flow``, errors with file, line and
node via ``errors``/``node_parsers``), ``library`` (the flows in service, reloadable),
``hours`` (business hours). Decisions: ``interpreter`` and ``input_steps`` (the pure step
function over ``actions``), ``announce`` (in-queue announcements), ``summary`` (the
screen-pop line). Shell: ``runner`` and ``queue_wait`` execute steps over a
``VoiceChannel`` (a FastAGI session). No SQL and no HTTP here; CRM facts arrive through
``directory.CustomerDirectory`` and queue access through ``queue_wait.QueueGateway``.
"""
