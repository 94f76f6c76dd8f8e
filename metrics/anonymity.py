"""The anonymity promise, as it applies to figures: no figure the dashboard (or an export, or a
digest) shows may describe fewer than 5 anonymous friction reports of one frontline team in one
period, so that no figure narrows an anonymous reporter down to a handful of colleagues.

Where it applies: to figures per team (or anything narrower: a team and a channel, a team and
a theme). The eight metrics are per organisation, department and executive (a department's
figures are by the executive who owns a report, not by the team that filed it), so they are
not subject to it. The friction funnel's team figures are (metrics/definitions.py,
friction_funnel): they are stored empty when the rule hides them, with the number of
anonymous reports counted by the same query, so nothing read later can show them.
"""

MIN_ANONYMOUS_REPORTS = 5


def team_figure_suppressed(*, anonymous_reports: int) -> bool:
    """True when a team's figure describes fewer than MIN_ANONYMOUS_REPORTS anonymous reports.

    Zero counts as fewer: a figure hidden for 1 to 4 reports but shown for none would point at
    the one team whose figure is missing. So a team with no anonymous reports in the period has
    its figures about reports suppressed too, whatever its named reports say."""
    return anonymous_reports < MIN_ANONYMOUS_REPORTS
