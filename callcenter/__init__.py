"""The application: settings, the composition root, the event wiring and the CLI.

Holds no business rules: it builds the parts (clock, bus, PBX link, engines, CRM, web app)
by explicit constructor calls and connects them.
"""
