"""manage.py rollup [--quarter 2026Q3 | --all]: rebuild the stored quarterly figures."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from immersion.models import Session
from metrics.quarters import Quarter
from metrics.services import quarter_rollup_compute


class Command(BaseCommand):
    help = "Compute and store the quarterly metrics: the current quarter, one, or all of them."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--quarter", help="One quarter, like 2026Q3.")
        which.add_argument(
            "--all", action="store_true", help="Every quarter from the first session to now."
        )

    def handle(self, *args, quarter=None, all=False, **options):
        if quarter:
            try:
                quarters = [Quarter.parse(quarter)]
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            if quarters[0].is_future():
                raise CommandError(f"{quarter} has not started yet: there is nothing to compute.")
        elif all:
            first = Session.objects.order_by("starts_at").values_list("starts_at", flat=True)
            start = first.first()
            current = Quarter.current()
            quarters = [current]
            if start is not None:
                oldest = Quarter.of(start.date())
                while quarters[0] > oldest:
                    quarters.insert(0, quarters[0].previous)
        else:
            quarters = [Quarter.current()]
        for each in tqdm(quarters, desc="Quarters", unit="quarter", disable=len(quarters) < 2):
            rollup = quarter_rollup_compute(quarter=each)
            figures = rollup.figures.count()
            state = "closed" if rollup.closed else "in progress"
            self.stdout.write(f"{each}: {figures} figures ({state})")
