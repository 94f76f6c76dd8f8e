"""Calendar feeds: a secret address per person, which they can replace."""

import secrets

from accounts.models import User

from ..models import CalendarFeed


def calendar_feed_get(*, person: User) -> CalendarFeed:
    """The person's feed, made on first use."""
    feed, _ = CalendarFeed.objects.get_or_create(person=person)
    return feed


def calendar_feed_regenerate(*, person: User) -> CalendarFeed:
    """Give the person a new secret address; the old one stops working at once."""
    feed = calendar_feed_get(person=person)
    feed.token = secrets.token_urlsafe()
    feed.save(update_fields=["token", "created_at"])
    return feed
