"""Who hears of what happened below: each module connects to one app's signals.py and writes
the messages (services.notify) in the same transaction as the change."""

from . import accounts, frictions, immersion  # noqa: F401 - they connect their receivers
