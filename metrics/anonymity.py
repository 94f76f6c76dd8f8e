"""The anonymity promise, as it applies to figures: no figure the dashboard (or an export, or a
digest) shows may describe fewer than 5 anonymous friction reports of one frontline team in one
period, so that no figure narrows an anonymous reporter down to a handful of colleagues.

Where it applies: only to figures per team (or anything narrower: a team and a channel, a team
and a theme). None of today's eight metrics is per team (they are per organisation, department
and executive, and a department's figures are by the executive who owns a report, not by the
team that filed it), so nothing calls this yet. The first team-level figure — the friction
funnel or the themes split by team — must pass through `team_figure_guard`, with the number of
anonymous reports it is computed from counted by the same query.
"""

MIN_ANONYMOUS_REPORTS = 5


def team_figure_suppressed(*, anonymous_reports: int) -> bool:
    """True when a team's figure describes fewer than MIN_ANONYMOUS_REPORTS anonymous reports.

    Zero counts as fewer: a figure hidden for 1 to 4 reports but shown for none would point at
    the one team whose figure is missing. So a team with no anonymous reports in the period has
    its figures about reports suppressed too, whatever its named reports say."""
    return anonymous_reports < MIN_ANONYMOUS_REPORTS


def team_figure_guard(value: float | None, *, anonymous_reports: int) -> float | None:
    """`value`, or None (shown as "suppressed") when the anonymity rule hides it."""
    return None if team_figure_suppressed(anonymous_reports=anonymous_reports) else value
