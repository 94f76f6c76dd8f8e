"""Eight quarters of history for the demo, so the dashboard shows a trend on first sign-in.

The story, oldest quarter first: a few executives take part, then most; journeys are walked by
more of them; the weekly friction review is held more often and better attended; friction
reports are answered faster; decisions are taken with a customer-impact assessment more often,
and from the fourth quarter on, decisions are changed after the executives met the customers
they affect (their evidence: a session attended, a reflection, a friction report, all dated
before the change), which modifies the policies the frontline reported.

Written in bulk (a few hundred sessions and reports), except the decision log, which goes
through its services so its rules and history hold; the times the models stamp as "now" are
then moved into the past with `.update()`. Everything lies before the first day of the current
month and around what is already there (nobody in two sessions at once), so the current month's
story (progress, risk, to-dos, this week's review) stays as seed_demo tells it.

Deterministic: the same seed gives the same history, so the demo and its tests agree.

story.py holds the story's figures and words, planner.py plans it in memory, writer.py writes it.
"""

from .story import QUARTERS
from .writer import History

__all__ = ["QUARTERS", "History"]
