"""The screen-pop line says what the caller chose, who they proved to be, and where they went."""

import pytest

from ivr.interpreter import IvrOutcome
from ivr.summary import describe


@pytest.mark.parametrize(
    ("outcome", "line"),
    [
        (
            IvrOutcome(
                ("language", "language:zh", "account", "account:100234", "account:ok", "main"),
                None,
                queue="support",
                priority_boost=10,
                language="zh",
                collected={"account": "100234"},
                verified=True,
            ),
            "language:zh › account:100234 › account:ok | language zh"
            " | verified account 100234 | queue support +10",
        ),
        (IvrOutcome(("vm",), None, voicemail="billing"), "no choice | voicemail for billing"),
        (
            IvrOutcome(("cb", "cb:confirmed"), None, callback_number="021", callback_queue="s"),
            "cb:confirmed | callback 021 via s",
        ),
        (IvrOutcome(("x",), None, transfer_to="+8610"), "no choice | transfer to +8610"),
        (IvrOutcome(("pin", "pin:****"), None), "pin:**** | ended in the IVR"),
    ],
)
def test_the_summary_line(outcome: IvrOutcome, line: str) -> None:
    assert describe(outcome) == line
