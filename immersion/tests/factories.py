from datetime import timedelta

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from immersion.models import ActivityType, Participant, Session, TimeOff


def activity(slug: str) -> ActivityType:
    """An activity from the catalogue the migration installs."""
    return ActivityType.objects.get(slug=slug)


class SessionFactory(factory.django.DjangoModelFactory):
    """A session next week; `people=[...]` books them in (no checks: for arranging tests)."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    activity_type = factory.LazyFunction(lambda: activity("call-listening"))
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=1))
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def people(self, create, extracted, **kwargs):
        for person in extracted or ():
            Participant.objects.create(
                session=self, person=person, starts_at=self.starts_at, ends_at=self.ends_at
            )


class TimeOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeOff

    person = factory.SubFactory(UserFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    end_date = factory.LazyAttribute(lambda t: t.start_date + timedelta(days=2))
    created_by = factory.SelfAttribute("person")


def place_from_now(
    person, slug: str = "call-listening", *, starts_in: timedelta, minutes: int = 60
):
    """`person`'s place in a session of `slug` starting `starts_in` from now (negative: begun
    already), to the minute (no checks: for arranging)."""
    starts_at = (timezone.now() + starts_in).replace(second=0, microsecond=0)
    session = SessionFactory(
        people=[person],
        activity_type=activity(slug),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
    )
    return session.participants.get()


def past_place(person, slug: str = "call-listening", *, hours_ago: float = 26, minutes: int = 60):
    """`person`'s place in a session of `slug` that began `hours_ago` (no checks: for arranging)."""
    return place_from_now(person, slug, starts_in=-timedelta(hours=hours_ago), minutes=minutes)


def reflection_post(reflection, lines, **overrides):
    """The reflection page's form for `reflection` as its author would send it, with `lines`
    as the friction lines: (id or None, text) each."""
    data = {
        "surprised": reflection.surprised,
        "would_change": reflection.would_change,
        "customer_quote": reflection.customer_quote,
        "visibility": reflection.visibility,
        "frictions-TOTAL_FORMS": str(len(lines)),
        "frictions-INITIAL_FORMS": str(sum(1 for pk, _ in lines if pk)),
        "commitments-TOTAL_FORMS": "0",
        "commitments-INITIAL_FORMS": "0",
    }
    for n, (pk, text) in enumerate(lines):
        data[f"frictions-{n}-id"] = pk or ""
        data[f"frictions-{n}-text"] = text
    data.update(overrides)
    return data
