"""When two observations state the same fact, and whether they agree.

An observation states a fact: the value of one indicator for one area in one year, in one unit
(and, when the record gives them, within one scope and about one thing). Two observations of the
same fact *agree* when their values are equal as decimals (``12.5`` and ``12.50``), whatever hedge
each prints (超, 余, 达 …): a hedge is how a document rounds a figure, not another figure. They
*conflict* when the values differ: both records stay, as sources that disagree, never averaged or
chosen between (``validate`` warns, ``lookup``, ``series`` and the viewer show both).

A value hedged 前 (``前20名``, within the top 20) is no rank but a bound on one: ``第15位`` and
``前20名`` are both true of one city in one year, so a top-N bound is compared only with other
top-N bounds. An observation without a year (a period note only, 未说明年份) states no fact that
can be compared with another.

The loader, ``lookup``, ``series`` and the viewer all decide with this module, so they agree.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Generic, TypeVar

__all__ = ["TOP_N", "FactKey", "Peers", "fact_key", "fact_peers", "same_value"]

#: the hedge that makes a value a bound on a rank (within the top N), not a rank
TOP_N = "前"

#: indicator, area, year, unit, scope, about, and whether the value is a top-N bound
FactKey = tuple[str, str, str, str, str, str, bool]

K = TypeVar("K", bound=Hashable)


def fact_key(
    indicator: str,
    area: str,
    year: str | None,
    unit: str,
    *,
    scope: str | None = None,
    about: str | None = None,
    qualifier: str | None = None,
) -> FactKey | None:
    """The fact an observation states, or ``None`` when it has no year to compare by."""
    if not year:
        return None
    return (indicator, area, year, unit, scope or "", about or "", qualifier == TOP_N)


def _decimal(value: str) -> Decimal | str:
    try:
        number = Decimal(value.replace(",", ""))
    except (InvalidOperation, ValueError):
        return value
    return number if number.is_finite() else value


def same_value(one: str, other: str) -> bool:
    """Whether two values as printed are the same number (``12.5`` and ``12.50``, ``1,000`` and
    ``1000``); text that is no number equals only itself."""
    return _decimal(one) == _decimal(other)


@dataclass(frozen=True)
class Peers(Generic[K]):
    """The other observations of one observation's fact."""

    agree: tuple[K, ...]  # the same value
    conflict: tuple[K, ...]  # another value


def fact_peers(observations: Mapping[K, tuple[FactKey | None, str]]) -> dict[K, Peers[K]]:
    """For every observation (id → (:func:`fact_key`, value as printed)) that shares its fact
    with another, the others that state the same value (``agree``) and those that state another
    (``conflict``), each in the mapping's order. Observations alone with their fact are left
    out."""
    groups: dict[FactKey, list[K]] = {}
    for obs_id, (key, _) in observations.items():
        if key is not None:
            groups.setdefault(key, []).append(obs_id)
    result: dict[K, Peers[K]] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        for obs_id in members:
            value = observations[obs_id][1]
            others = [m for m in members if m != obs_id]
            result[obs_id] = Peers(
                tuple(m for m in others if same_value(observations[m][1], value)),
                tuple(m for m in others if not same_value(observations[m][1], value)),
            )
    return result
