"""Writes of friction themes: fitting themes, placing reports in them, renaming them, and
handing a refit to the worker. Fitting and placing run in the Celery worker only
(metrics/tasks.py); a request renames, or hands a refit to the broker."""

import logging
from datetime import datetime

from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from accounts.models import User
from core.broker import broker_send
from core.generations import generation_bump
from frictions.models import FrictionReport

from ..definitions import METRICS, THEME_PREFIX
from ..models import (
    FrictionTheme,
    FrictionThemeFit,
    FrictionThemeReport,
    QuarterFigure,
    QuarterRollup,
)
from ..quarters import Quarter
from ..selectors import STORED
from . import text

logger = logging.getLogger(__name__)

# Reports read, placed and written per step: 2,000 texts are about 1 MB in memory, one
# bulk_create, one transaction (25,000 reports: 13 steps).
BATCH = 2000
# A refit learns from the newest reports only, so its time stays bounded at any history
# (measured in bench/bench_themes.py); every other report is then placed like a new one.
MAX_FIT_REPORTS = 20000
# A renamed theme's name goes to the new theme most like it when a refit replaces it, if
# their components' cosine similarity is at least this.
RENAME_CARRIES_OVER_AT = 0.5

THEME_NAME_MAX = FrictionTheme._meta.get_field("name").max_length
THEME_NAME_TOO_LONG = f"A theme's name is at most {THEME_NAME_MAX} characters."
THEME_RENAMED = "The theme is now called “{name}”."
THEME_NAME_RESET = "The theme is named by its top terms again: “{name}”."
REFIT_QUEUED = (
    "The themes will be learnt again from the reports' text in the background; this page shows "
    "the new themes when it is done (a minute or two)."
)
REFIT_WORKER_AWAY = (
    "The background worker cannot be reached just now, so the themes were not refitted. "
    "Try again in a few minutes."
)
REFIT_ALREADY_QUEUED = (
    "The themes are already being learnt again: this page shows the new themes when it is done."
)
REFIT_TASK = "metrics.tasks.refit_friction_themes"
# While a refit is queued or running, a second click queues nothing (each refit places every
# report again: 500,000 at a large organisation). The worker clears it when done; it expires
# by itself after REFIT_PENDING_FOR should the worker die mid-way.
REFIT_PENDING_KEY = "metrics:themes-refit-pending"
REFIT_PENDING_FOR = 30 * 60


def _current_fit() -> FrictionThemeFit | None:
    return FrictionThemeFit.objects.order_by("-fitted_at", "-pk").first()


def _texts(reports) -> tuple[list[int], list[str]]:
    ids, texts = [], []
    for pk, title, description in reports.values_list("pk", "title", "description"):
        ids.append(pk)
        texts.append(text.report_text(title, description))
    return ids, texts


def friction_themes_fit(*, requested_by: User | None = None) -> FrictionThemeFit | None:
    """Learn themes from the newest MAX_FIT_REPORTS reports' text and replace the current fit
    and its themes (their placements go with them: every report is to be placed again by
    friction_themes_assign). None, and nothing replaced, when there are too few reports to
    learn from (text.theme_count).

    A name the CX lead gave carries over to the new theme most like the old one
    (RENAME_CARRIES_OVER_AT). Deterministic: the same reports give the same themes."""
    newest = FrictionReport.objects.order_by("-created_at", "-pk")[:MAX_FIT_REPORTS]
    _, texts = _texts(newest)
    model = text.fit(texts)
    if model is None or not model.components:
        return None
    now = timezone.now()
    with transaction.atomic():
        # Locks the fit a nightly placement may be writing under (friction_themes_assign locks
        # it per step), so the two never interleave.
        old = list(FrictionThemeFit.objects.select_for_update().order_by("pk"))
        named = list(
            FrictionTheme.objects.filter(fit__in=old)
            .exclude(name="")
            .values("name", "component", "renamed_by", "renamed_at")
        )
        FrictionThemeFit.objects.filter(pk__in=[f.pk for f in old]).delete()
        # Placements in a theme went with it; those near no theme of the old fit go too, to be
        # looked at again against the new themes.
        FrictionThemeReport.objects.filter(theme__isnull=True).delete()
        fit = FrictionThemeFit.objects.create(
            fitted_at=now,
            report_count=len(texts),
            vocabulary=model.idf,
            requested_by=requested_by,
        )
        themes = FrictionTheme.objects.bulk_create(
            [
                FrictionTheme(fit=fit, top_terms=top, component=component, created_at=now)
                for component, top in zip(model.components, model.top_terms, strict=True)
            ]
        )
        _carry_names(named, themes)
        generation_bump(STORED)  # bulk writes send no signal
    return fit


def _carry_names(named: list[dict], themes: list[FrictionTheme]) -> None:
    """Give each renamed old theme's name to the new theme nearest it, when near enough; a new
    theme nearest two old names takes the nearer."""
    best: dict[int, tuple[float, dict]] = {}
    for old in named:
        for theme in themes:
            similarity = sum(
                weight * theme.component.get(term, 0.0) for term, weight in old["component"].items()
            )
            if similarity >= RENAME_CARRIES_OVER_AT and similarity > best.get(theme.pk, (0,))[0]:
                best[theme.pk] = (similarity, old)
    changed = []
    for theme in themes:
        if theme.pk in best:
            old = best[theme.pk][1]
            theme.name = old["name"]
            theme.renamed_by_id = old["renamed_by"]
            theme.renamed_at = old["renamed_at"]
            changed.append(theme)
    FrictionTheme.objects.bulk_update(changed, ["name", "renamed_by", "renamed_at"])


def friction_themes_assign(*, now: datetime | None = None) -> int:
    """Place every report not yet looked at in the nearest theme of the current fit (cosine
    similarity of its TF-IDF vector to the theme's component), or in none when no theme
    reaches text.MIN_SIMILARITY. Returns how many reports it looked at.

    Themes are only read, never changed: a report filed today joins a theme learnt last year,
    which keeps its id and name, so its quarters can be compared. Each report is looked at once
    (a row is written for it, with or without a theme) until a refit.

    Walks the reports by id in steps of BATCH (keyset, never an offset), each step one read,
    one bulk_create and its own transaction: memory stays flat at any size, the database is not
    written while a cursor is open on it, and a run stopped half way (a time limit, a deploy)
    keeps what it placed; the next run goes on from there."""
    fit = _current_fit()
    if fit is None:
        return 0
    themes = list(fit.themes.order_by("pk").values_list("pk", "component"))
    placer = text.Placer(idf=fit.vocabulary, components=[c for _, c in themes])
    now = now or timezone.now()
    last, seen = 0, 0
    while True:
        step = FrictionReport.objects.filter(pk__gt=last, theme_placement__isnull=True).order_by(
            "pk"
        )[:BATCH]
        ids, texts = _texts(step)
        if not ids:
            friction_theme_counts_store(fit=fit)
            return seen
        placed = placer.place(texts)
        with transaction.atomic():
            if not FrictionThemeFit.objects.select_for_update().filter(pk=fit.pk).exists():
                logger.info("The theme fit %s was replaced during placement; stopping.", fit.pk)
                return seen
            FrictionThemeReport.objects.bulk_create(
                [
                    FrictionThemeReport(
                        report_id=pk,
                        theme_id=None if index is None else themes[index][0],
                        weight=min(max(similarity, 0.0), 1.0),
                        assigned_at=now,
                    )
                    for pk, (index, similarity) in zip(ids, placed, strict=True)
                ],
                # A report placed by another run meanwhile keeps that placement.
                ignore_conflicts=True,
            )
        seen += len(ids)
        last = ids[-1]


def friction_theme_counts_store(*, fit: FrictionThemeFit) -> None:
    """Count, for the themes page, each theme's reports, the reports in none, and how far the
    task has looked: two grouped queries over the placements, in the worker."""
    placements = FrictionThemeReport.objects.all()
    held = dict(
        placements.filter(theme__fit=fit).values_list("theme").order_by().annotate(n=Count("pk"))
    )
    themes = list(fit.themes.all())
    for theme in themes:
        theme.report_count = held.get(theme.pk, 0)
    FrictionTheme.objects.bulk_update(themes, ["report_count"])
    totals = placements.aggregate(unthemed=Count("pk", filter=Q(theme=None)), last=Max("report"))
    FrictionThemeFit.objects.filter(pk=fit.pk).update(
        unthemed=totals["unthemed"], looked_up_to=totals["last"] or 0
    )


def friction_themes_refresh_figures() -> int:
    """After a refit, store every stored quarter's theme figures again (the "themes" family of
    metrics/definitions.py), so the trend of the new themes reaches back as far as the
    roll-ups do. The other figures are left as they were. One grouped query per quarter.
    Returns how many quarters were refreshed."""
    family = METRICS["themes"]
    rollups = list(QuarterRollup.objects.all())
    for rollup in rollups:
        computed = family.compute_many(Quarter.stored(rollup.quarter))
        with transaction.atomic():
            rollup.figures.filter(metric__startswith=THEME_PREFIX).delete()
            QuarterFigure.objects.bulk_create(
                [
                    QuarterFigure(
                        rollup=rollup, metric=key, scope=scope, scope_id=scope_id, value=value
                    )
                    for key, found in computed.items()
                    for (scope, scope_id), value in found.items()
                ],
                batch_size=1000,
            )
            generation_bump(STORED)  # bulk writes send no signal
    return len(rollups)


def friction_themes_refit(*, requested_by: User | None = None) -> FrictionThemeFit | None:
    """Learn the themes again, place every report in them, and refresh the stored theme
    figures of every quarter. What the CX lead's "refit" asks the worker for."""
    fit = friction_themes_fit(requested_by=requested_by)
    if fit is not None:
        friction_themes_assign()
        friction_themes_refresh_figures()
    return fit


def friction_theme_rename(*, theme: FrictionTheme, name: str, by: User) -> FrictionTheme:
    """Name a theme; a blank name gives it back its top terms. The name stays through every
    nightly placement (themes are never changed by it) and carries over to the nearest theme
    of a refit."""
    name = " ".join(name.split())
    if len(name) > THEME_NAME_MAX:
        raise ValidationError({"name": THEME_NAME_TOO_LONG})
    theme.name = name
    theme.renamed_by = by if name else None
    theme.renamed_at = timezone.now() if name else None
    theme.full_clean()
    theme.save(update_fields=["name", "renamed_by", "renamed_at"])
    return theme


def friction_themes_refit_request(*, by: User) -> str:
    """Hand a refit to the worker (never run in the request), once: REFIT_QUEUED, or
    REFIT_ALREADY_QUEUED while one is queued or running, or REFIT_WORKER_AWAY when the broker
    cannot be reached and nothing is queued (the CX lead is told to try again)."""
    pending = caches["shared"]
    if not pending.add(REFIT_PENDING_KEY, by.pk, timeout=REFIT_PENDING_FOR):
        return REFIT_ALREADY_QUEUED
    try:
        broker_send(REFIT_TASK, args=[by.pk])
    except Exception:  # noqa: BLE001 - whatever the transport raises, the request still answers
        logger.warning("Could not send the theme refit to the broker.")
        pending.delete(REFIT_PENDING_KEY)
        return REFIT_WORKER_AWAY
    return REFIT_QUEUED


def friction_themes_refit_done() -> None:
    """The worker's refit is over (done or failed): the next click queues another."""
    caches["shared"].delete(REFIT_PENDING_KEY)
