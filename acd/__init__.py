"""Automatic call distribution: agents, states, queues, routing steps, overflow and wrap-up.

A pure core (``states``, ``routing``, ``choice``, ``explain``, ``erlang``) driven by events
and an injected clock, plus a thin ``engine`` that holds state and schedules timers. No I/O
of any kind lives here.
"""
