"""Customer value: the pyramid of contacts per tier and per value band.

Reads ``contacts.tier`` and ``contacts.value_score`` (bands in ``crm_core.vocabulary``) with
one grouped query; every tier and band appears, with zero where no contact is.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm_core.models import Contact
from crm_core.vocabulary import VALUE_BAND_FLOORS, Tier, ValueBand

# Top of the pyramid first.
TIERS_TOP_DOWN = tuple(sorted(Tier, key=lambda t: -t.rank))
BANDS_TOP_DOWN = (*(band for band, _ in VALUE_BAND_FLOORS), ValueBand.LOW)


@dataclass(frozen=True, slots=True)
class PyramidLevel:
    """One tier: how many contacts it has, and how they spread over the value bands."""

    tier: Tier
    count: int
    by_band: dict[ValueBand, int]


@dataclass(frozen=True, slots=True)
class ValuePyramid:
    levels: list[PyramidLevel]  # platinum first, none last
    by_band: dict[ValueBand, int]
    total: int


async def value_pyramid(session: AsyncSession) -> ValuePyramid:
    whens = [(Contact.value_score >= floor, band.value) for band, floor in VALUE_BAND_FLOORS]
    band = case(*whens, else_=ValueBand.LOW.value).label("band")
    rows = await session.execute(
        select(Contact.tier, band, func.count()).group_by(Contact.tier, band)
    )
    cells = {(Tier(tier), ValueBand(b)): n for tier, b, n in rows}
    levels = [
        PyramidLevel(
            tier=tier,
            count=sum(cells.get((tier, b), 0) for b in BANDS_TOP_DOWN),
            by_band={b: cells.get((tier, b), 0) for b in BANDS_TOP_DOWN},
        )
        for tier in TIERS_TOP_DOWN
    ]
    by_band = {b: sum(level.by_band[b] for level in levels) for b in BANDS_TOP_DOWN}
    return ValuePyramid(levels=levels, by_band=by_band, total=sum(by_band.values()))
