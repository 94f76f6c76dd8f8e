"""Counts kept on the report's row: each "me too" added or taken away (named or anonymous, by
the page, the API, the release of anonymous writes or a merge of duplicates) counts the
report's supports again, so the board sorts by a column instead of counting 1.9 million rows
per request. Writes that bypass signals (bulk inserts: the demo, the scale generator) call
services.friction_support_counts_refresh themselves."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import FrictionSupport
from .services.supports import friction_support_counts_refresh


@receiver(post_save, sender=FrictionSupport, dispatch_uid="frictions_support_added")
def support_added(sender, instance, created, **kwargs):
    if created:
        friction_support_counts_refresh(report_ids=[instance.report_id])


@receiver(post_delete, sender=FrictionSupport, dispatch_uid="frictions_support_removed")
def support_removed(sender, instance, **kwargs):
    friction_support_counts_refresh(report_ids=[instance.report_id])
