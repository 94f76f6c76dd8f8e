"""What happens to friction reports that the apps above may want to tell people of.

Frictions never imports notifications (the layers in pyproject.toml); it announces here, and
notifications/receivers/frictions.py decides who hears of it. Each signal is sent inside the
transaction of the change, so what a receiver writes commits or rolls back with it.
"""

from django.dispatch import Signal

# An overdue report went up its owner's chain: `level` managers up, or 0 for the CX leads when
# nobody owns it; the sent-log (OverdueAlert) has claimed it, so it is sent once.
report_escalated = Signal()  # report, due, level, recipients
# A public line on a report's timeline that its reporter follows: a status change, or a
# response (from triage, the report's owner or the weekly review). Internal notes never.
report_updated = Signal()  # event
