"""What happens in accounts that others may want to hear of (notifications decides who is told).

Each signal is sent inside the transaction of the change, so a receiver's writes commit or roll
back with it. They carry the person only: a link with a secret in it is made by whoever sends
the e-mail, at send time, never passed along here.
"""

from django.dispatch import Signal

# Someone was invited to choose a password (the CX lead added or imported them). Args: user.
invitation_requested = Signal()
# Someone asked for a link to choose a new password, for an address that is theirs. Args: user.
password_reset_requested = Signal()
