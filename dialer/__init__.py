"""Outbound campaigns: lists, pacing (preview, progressive, predictive), abandon-rate
control, call windows, retries and do-not-call checks.

The pure core, all I/O-free and driven by a ``now`` passed in (``Clock.now()`` seconds):

- ``campaign``: the campaign life cycle (draft → scheduled → running ↔ paused →
  finished, or stopped) as one transition table with a typed refusal;
- ``windows``: call windows in the recipient's local time, open in every candidate zone;
- ``compliance``: do-not-call and suppression checks on facts passed in, and the
  pre-flight count of who will be skipped and why;
- ``retries``: retry rules per outcome, alternate numbers in order;
- ``gate``: the one check before every dial (compliance, window, retry rule), and the
  campaign's pre-flight through that same check;
- ``lists``: which of the campaign's lists the next dials come from (priority, quota, yield);
- ``monitor``: the supervisor's live figures from the stored attempts;
- ``abandon``: the 30-day / per-day abandon ledger the law caps;
- ``pacing``: how many dials to place now, within the abandon cap;
- ``dispatch``: the shell's small decisions around one dial (an Originate's failure as an
  outcome, the AMD arguments, the 2-second deadline, which waiting agent takes a person).

The shell that holds campaign state, gathers lead facts from the CRM and places calls with
``cti`` commands is ``callcenter/campaign_runtime.py`` and its neighbours (docs/dialer.md).
"""
