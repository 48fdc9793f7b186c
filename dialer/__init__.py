"""Outbound campaigns: lists, pacing (preview, progressive, predictive), abandon-rate
control, call windows, retries and do-not-call checks.

Not built yet: the walking skeleton only reserves the package. It will ask ``acd`` for
agents through its public API and place calls with ``cti`` commands (AMI ``Originate``),
never reaching into ``acd``'s internals.
"""
