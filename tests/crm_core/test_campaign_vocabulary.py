"""crm_core's campaign vocabularies hold exactly the values of dialer's pure core, so a dialer
shell can store what its core decides (crm_core may not import dialer; this test may)."""

from __future__ import annotations

from enum import StrEnum

import pytest

from crm_core.vocabulary import AttemptOutcome, CampaignMode, CampaignStatus
from dialer.campaign import CampaignState
from dialer.pacing import Mode
from dialer.retries import Outcome


@pytest.mark.parametrize(
    ("ours", "dialers"),
    [(CampaignMode, Mode), (CampaignStatus, CampaignState), (AttemptOutcome, Outcome)],
)
def test_campaign_vocabularies_match_the_dialer_core(
    ours: type[StrEnum], dialers: type[StrEnum]
) -> None:
    assert [v.value for v in ours] == [v.value for v in dialers]
