"""A lead's time zones for its call window: the contact's, else its number's, else the
campaign's (crm_core.campaign_facts)."""

from crm_core.campaign_facts import _zones, zones_of_number


def test_a_geographic_number_gives_its_zone() -> None:
    assert zones_of_number("+13125550104") == ("America/Chicago",)
    assert zones_of_number("+8613800138000") == ("Asia/Shanghai",)


def test_a_number_spanning_zones_gives_every_candidate() -> None:
    zones = zones_of_number("+18005550100")  # toll-free: anywhere in the NANP
    assert {"America/New_York", "America/Los_Angeles", "Pacific/Honolulu"} <= set(zones)


def test_a_number_without_a_known_zone_or_unreadable_gives_none() -> None:
    assert zones_of_number("+8821612345678") == ()  # a satellite network
    assert zones_of_number("not a number") == ()


def test_the_contacts_zone_comes_first_then_the_numbers_then_the_campaigns() -> None:
    assert _zones("Europe/Paris", "+13125550104", "UTC") == ("Europe/Paris",)
    assert _zones(None, "+13125550104", "UTC") == ("America/Chicago",)
    assert _zones(None, "+8821612345678", "UTC") == ("UTC",)
    assert _zones(None, "+8821612345678", None) == ()
