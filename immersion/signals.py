"""What happens in immersion that others may want to hear of (notifications decides who is
told, and how). Each is sent by the service inside the transaction of the change, so whatever
a receiver writes commits or rolls back with it. The comment after each names its arguments.
"""

from django.dispatch import Signal

# An escalation was logged and routed (to the officer on shift, else a CX lead). escalation
escalation_routed = Signal()
# One person's place in a session went to another (a swap taken, or the CX lead reassigned it);
# the session's sequence was raised. session, person (out), replacement (in), by, change
# (SessionChange.Kind: swapped or reassigned)
place_replaced = Signal()
# A session moved to another time; its sequence was raised. session, before (its old start), by
session_moved = Signal()
# A session was cancelled; its participants' places are inactive. session, people (those who
# had a place until now), by
session_cancelled = Signal()
# A swap was asked of a named colleague (not sent for a swap open to anyone). swap
swap_asked = Signal()
# The colleague accepted or declined (swap.status says which). swap
swap_answered = Signal()
# The programme's owner cancelled a pending swap request; the requester keeps their place. swap
swap_cancelled = Signal()
