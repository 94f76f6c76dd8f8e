"""How a figure reads, by its unit: hours and days to one decimal, shares as whole percents,
counts as whole numbers, halves rounded up as people do (62.5% reads 63%, not Python's
round-half-to-even 62%). The change from the previous quarter is the difference of the two
figures as shown, so that "50%" then "63%" reads "+13 points", never "+12" from the raw shares."""

from decimal import ROUND_HALF_UP, Decimal

NO_FIGURE = "no figure"
NO_CHANGE = "no change"
MINUS = "\N{MINUS SIGN}"

# unit -> (scale, decimals, suffix of a figure, suffix of a change)
UNITS: dict[str, tuple[float, int, str, str]] = {
    "hours": (1, 1, " hours", " hours"),
    "days": (1, 1, " days", " days"),
    "share": (100, 0, "%", " points"),
    "count": (1, 0, "", ""),
}
# A unit no definition uses yet: shown as it is stored.
OTHER = (1, 2, "", "")

# What the trend charts write on their value axis.
AXIS_TITLES = {"hours": "hours", "days": "days", "share": "percent"}


def figure_number(value: float | None, unit: str) -> float | None:
    """The figure as the page shows it (a share as a percent), rounded; None stays None."""
    if value is None:
        return None
    scale, decimals, _, _ = UNITS.get(unit, OTHER)
    # Through the float's shortest decimal form, so 0.625 is 62.5 and rounds to 63.
    exact = Decimal(repr(value * scale))
    return float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def figure_text(value: float | None, unit: str) -> str:
    """'12.5 hours', '63%', '7', '3.2 days'; 'no figure' for None."""
    number = figure_number(value, unit)
    if number is None:
        return NO_FIGURE
    _, decimals, suffix, _ = UNITS.get(unit, OTHER)
    return _number(number, decimals) + suffix


def change_text(value: float | None, previous: float | None, unit: str) -> str | None:
    """'+1.5 hours', '−13 points', 'no change'; None when either quarter has no figure."""
    now, before = figure_number(value, unit), figure_number(previous, unit)
    if now is None or before is None:
        return None
    _, decimals, _, suffix = UNITS.get(unit, OTHER)
    # Both are rounded already: this only drops the float's noise (3.0 - 4.3 = -1.2999…).
    change = round(now - before, decimals)
    if change == 0:
        return NO_CHANGE
    sign = "+" if change > 0 else MINUS
    return sign + _number(abs(change), decimals) + suffix


def _number(number: float, decimals: int) -> str:
    return f"{number:,.{decimals}f}"


def target_met(share: float | None) -> bool:
    """A cadence target is met when all of it was done: the share done is at least 1. The one
    rule the grid, the scorecard, the executive list and the stored "who met it" shares use."""
    return share is not None and share >= 1


def done_text(share: float | None) -> str:
    """How much of a target was done, as a whole percent that reads 100% only when it is met:
    below it, rounded down (359 of 360 minutes is 99%, not a "100%" that is not met)."""
    if share is None or target_met(share):
        return figure_text(share, "share")
    return f"{int(share * 100)}%"
