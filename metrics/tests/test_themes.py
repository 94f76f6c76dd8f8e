"""Friction themes: what makes two reports the same theme, shown on a fixed sample of report
texts (metrics/tests/theme_sample.py: refunds waiting for a manager, password reset loops, long
hold times, shipping delays, billing errors, and two reports about nothing the others share).

What makes two reports the same theme: the same theme is the nearest to both. A report is read
as its title and description (never its area, channel, team or reporter) as TF-IDF weights over
the terms the fit kept; a theme is an NMF component, a set of terms used together; the nearest
theme is the one of highest cosine similarity, and below metrics.themes.text.MIN_SIMILARITY a
report is near none and stays unthemed. So on the sample: the six refund reports are one theme,
named by "refund", "approval", "manager"; the six password reports another; and so on for each
friction; the coffee machine and the parking spaces are in no theme.

Today is 26 November 2026 (2026Q4) throughout.
"""

import os
import time
from collections import defaultdict
from datetime import UTC, datetime
from unittest import mock

import pytest
import time_machine
from django.db.models import Count
from django.urls import reverse
from django.utils.html import escape

from frictions.models import FrictionReport
from frictions.tests.factories import file
from metrics.definitions import METRICS, figure_metrics, theme_key
from metrics.models import (
    FrictionTheme,
    FrictionThemeFit,
    FrictionThemeReport,
    QuarterFigure,
    QuarterRollup,
)
from metrics.quarters import Quarter
from metrics.services import quarter_rollup_compute
from metrics.tasks import assign_friction_themes, refit_friction_themes, rollup_current_quarter
from metrics.tests.theme_factories import friction_theme_for_matrix
from metrics.themes import text
from metrics.themes.selectors import themes_growing
from metrics.themes.services import (
    REFIT_ALREADY_QUEUED,
    REFIT_QUEUED,
    REFIT_TASK,
    REFIT_WORKER_AWAY,
    THEME_NAME_RESET,
    THEME_NAME_TOO_LONG,
    THEME_RENAMED,
    friction_theme_rename,
    friction_themes_assign,
    friction_themes_fit,
    friction_themes_refit_done,
)
from metrics.views.themes import NAME_MISSING

from .theme_sample import FRICTIONS, NEWCOMERS, SAMPLE

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)
Q3 = datetime(2026, 8, 14, 10, tzinfo=UTC)
Q4 = datetime(2026, 10, 20, 10, tzinfo=UTC)
# The words that name each friction: at least two of them are in its theme's top terms.
NAMING_WORDS = {
    "refunds": {"refund", "approval", "manager"},
    "password": {"password", "reset", "password reset", "login"},
    "hold": {"hold", "queue", "phone", "callers"},
    "shipping": {"delivery", "carrier", "parcel", "tracking", "shipping"},
    "billing": {"invoice", "billing", "charge", "invoices"},
}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def no_refit_pending():
    """The pending-refit mark lives in the shared cache, which outlives a test."""
    friction_themes_refit_done()
    yield
    friction_themes_refit_done()


def sample_texts(rows=SAMPLE) -> list[str]:
    return [text.report_text(title, description) for _, title, description in rows]


# The rule itself, on the fixed sample, without the database


def test_reports_about_the_same_friction_share_a_theme_and_others_do_not():
    model = text.fit(sample_texts())
    placed = text.Placer(idf=model.idf, components=model.components).place(sample_texts())
    themes_of = defaultdict(set)
    for (friction, _, _), (theme, _) in zip(SAMPLE, placed, strict=True):
        themes_of[friction].add(theme)
    # Each friction's six reports are in one theme, and no two frictions share one.
    assert all(len(themes_of[f]) == 1 for f in FRICTIONS)
    assert len({next(iter(themes_of[f])) for f in FRICTIONS}) == len(FRICTIONS)
    # Near no theme: the coffee machine and the parking spaces.
    assert themes_of["other"] == {None}


def test_a_fit_over_30_reports_finds_five_themes_each_named_by_its_frictions_words():
    model = text.fit(sample_texts())
    placed = text.Placer(idf=model.idf, components=model.components).place(sample_texts())
    assert text.theme_count(len(SAMPLE)) == 5
    for friction, words in NAMING_WORDS.items():
        index = next(t for (f, _, _), (t, _) in zip(SAMPLE, placed, strict=True) if f == friction)
        assert len(words & set(model.top_terms[index][:4])) >= 2, (friction, model.top_terms)


def test_the_decision_area_a_reporter_picks_does_not_make_a_theme():
    """The same words under different areas are one theme: only the text is read."""
    model = text.fit(sample_texts())
    placer = text.Placer(idf=model.idf, components=model.components)
    [(a, _), (b, _)] = placer.place(
        [
            text.report_text("Refund needs manager approval", "Pricing says so."),
            text.report_text("Refund needs manager approval", "Policy says so."),
        ]
    )
    assert a == b is not None


def test_the_same_texts_give_the_same_themes():
    assert text.fit(sample_texts()) == text.fit(sample_texts())


def test_too_few_reports_learn_no_themes():
    assert text.fit(sample_texts()[: text.MIN_REPORTS_TO_FIT - 1]) is None


# Fitting, placing and naming, stored


@pytest.fixture
def sample_reports(frontline):
    """The sample filed as reports, by one named reporter, in 2026Q3; {report id: friction}."""
    found = {}
    for friction, title, description in SAMPLE:
        report, _ = file(frontline, title=title, description=description)
        found[report.pk] = friction
    FrictionReport.objects.update(created_at=Q3)
    return found


def themes_by_friction(reports: dict[int, str]) -> dict[str, set[int | None]]:
    found = defaultdict(set)
    for report_id, theme_id in FrictionThemeReport.objects.values_list("report", "theme"):
        if report_id in reports:
            found[reports[report_id]].add(theme_id)
    return found


def snapshot() -> list[tuple]:
    return list(FrictionTheme.objects.order_by("pk").values_list("pk", "component", "top_terms"))


def test_the_nightly_task_learns_themes_then_places_every_report(sample_reports):
    assert assign_friction_themes() == len(SAMPLE)
    found = themes_by_friction(sample_reports)
    assert all(len(found[f]) == 1 and None not in found[f] for f in FRICTIONS)
    assert found["other"] == {None}
    assert FrictionTheme.objects.count() == len(FRICTIONS)


def test_a_new_report_joins_the_nearest_theme_without_changing_any_theme(sample_reports, frontline):
    assign_friction_themes()
    before = snapshot()
    theme_of = {f: next(iter(ids)) for f, ids in themes_by_friction(sample_reports).items()}
    newcomers = {}
    for friction, title, description in NEWCOMERS:
        report, _ = file(frontline, title=title, description=description)
        newcomers[report.pk] = friction

    assert assign_friction_themes() == len(NEWCOMERS)

    placed = dict(
        FrictionThemeReport.objects.filter(report__in=newcomers).values_list("report", "theme")
    )
    assert placed == {pk: theme_of[friction] for pk, friction in newcomers.items()}
    assert snapshot() == before
    # Looked at once: a second run has nothing to do.
    assert assign_friction_themes() == 0


def test_the_roll_up_places_reports_the_theme_task_has_not_yet_before_counting(
    sample_reports, frontline
):
    assign_friction_themes()
    report, _ = file(frontline, title=NEWCOMERS[0][1], description=NEWCOMERS[0][2])
    assert not FrictionThemeReport.objects.filter(report=report).exists()

    rollup_current_quarter()

    placed = FrictionThemeReport.objects.get(report=report)
    stored = QuarterFigure.objects.get(
        rollup__quarter=str(Quarter.current()), metric=theme_key(placed.theme_id)
    )
    assert stored.value >= 1


def test_the_task_counts_what_the_themes_page_shows(client, cx_lead, sample_reports, frontline):
    assign_friction_themes()
    file(frontline, title="Filed after the run", description="Not looked at yet.")
    client.force_login(cx_lead)

    page = client.get(reverse("metrics:themes"))

    held = {row["theme"].pk: row["theme"].report_count for row in page.context["rows"]}
    assert held == dict(
        FrictionThemeReport.objects.exclude(theme=None)
        .values_list("theme")
        .order_by()
        .annotate(n=Count("pk"))
    )
    assert sum(held.values()) == len(SAMPLE) - 2, "the two off-topic reports are in none"
    assert page.context["placement"] == {"unthemed": 2, "waiting": 1}


def test_an_anonymous_report_is_placed_like_a_named_one(sample_reports, frontline):
    assign_friction_themes()
    report, code = file(
        frontline, anonymous=True, title="Refund stuck", description="Manager approval again."
    )
    assert code is not None
    assert report.reporter_id is None
    friction_themes_assign()
    refunds = themes_by_friction(sample_reports)["refunds"]
    assert {report.theme_placement.theme_id} == refunds


def test_a_name_the_cx_lead_gives_stays_through_the_nightly_task(
    sample_reports, frontline, cx_lead
):
    assign_friction_themes()
    refunds = FrictionTheme.objects.get(
        pk=next(iter(themes_by_friction(sample_reports)["refunds"]))
    )
    friction_theme_rename(theme=refunds, name="  Refunds   wait for a manager ", by=cx_lead)
    file(frontline, title="Refund approval", description="A manager must approve the refund.")

    assign_friction_themes()

    refunds.refresh_from_db()
    assert refunds.name == "Refunds wait for a manager"
    assert refunds.display_name == "Refunds wait for a manager"
    assert refunds.renamed_by == cx_lead


def test_a_blank_name_gives_the_theme_its_top_terms_back(cx_lead):
    theme = friction_theme_for_matrix(terms=("refund", "manager", "approval"))
    friction_theme_rename(theme=theme, name="Refunds", by=cx_lead)
    friction_theme_rename(theme=theme, name="   ", by=cx_lead)
    theme.refresh_from_db()
    assert (theme.name, theme.renamed_by, theme.display_name) == (
        "",
        None,
        "refund · manager · approval",
    )


def test_a_name_longer_than_80_characters_is_refused_with_its_message(cx_lead):
    theme = friction_theme_for_matrix()
    with pytest.raises(Exception, match=THEME_NAME_TOO_LONG):
        friction_theme_rename(theme=theme, name="x" * 81, by=cx_lead)


def test_a_refit_keeps_the_name_on_the_theme_most_like_the_old_one(sample_reports, cx_lead):
    assign_friction_themes()
    refunds = FrictionTheme.objects.get(
        pk=next(iter(themes_by_friction(sample_reports)["refunds"]))
    )
    friction_theme_rename(theme=refunds, name="Refunds wait", by=cx_lead)
    # One refund report the old themes had found near none: a refit looks at it again.
    stray = next(pk for pk, f in sample_reports.items() if f == "refunds")
    FrictionThemeReport.objects.filter(report=stray).update(theme=None)

    fit_id = refit_friction_themes(cx_lead.pk)

    fit = FrictionThemeFit.objects.get()
    assert fit.pk == fit_id
    assert fit.requested_by == cx_lead
    assert not FrictionTheme.objects.filter(pk=refunds.pk).exists()
    new_refunds = themes_by_friction(sample_reports)["refunds"]
    assert None not in new_refunds
    assert FrictionThemeReport.objects.count() == len(SAMPLE)
    assert list(FrictionTheme.objects.filter(name="Refunds wait").values_list("pk", flat=True)) == [
        *new_refunds
    ]


def test_too_few_reports_leave_no_themes_and_no_error(frontline):
    file(frontline)
    assert assign_friction_themes() == 0
    assert friction_themes_fit() is None
    assert not FrictionThemeFit.objects.exists()


# The figures: stored per quarter by the roll-up, read by themes_growing


def test_the_themes_family_stores_each_themes_reports_filed_in_the_quarter(sample_reports):
    assign_friction_themes()
    refunds_ids = [pk for pk, f in sample_reports.items() if f == "refunds"]
    FrictionReport.objects.filter(pk__in=refunds_ids[:4]).update(created_at=Q4)
    theme_of = {f: next(iter(ids)) for f, ids in themes_by_friction(sample_reports).items()}

    q3 = quarter_rollup_compute(quarter=Quarter(2026, 3))
    q4 = quarter_rollup_compute(quarter=Quarter(2026, 4))

    def stored(rollup):
        return dict(
            rollup.figures.filter(metric__startswith="theme:", scope="org").values_list(
                "metric", "value"
            )
        )

    assert stored(q4) == {theme_key(theme_of["refunds"]): 4.0}
    assert stored(q3) == {
        theme_key(theme_of[f]): (2.0 if f == "refunds" else 6.0) for f in FRICTIONS
    }


def test_the_themes_family_is_no_card_on_the_dashboard():
    assert "themes" in METRICS
    assert "themes" not in {m.key for m in figure_metrics()}


def store_counts(quarter: str, counts: dict[int, int]) -> None:
    rollup = QuarterRollup.objects.create(quarter=quarter, computed_at=NOW)
    QuarterFigure.objects.bulk_create(
        QuarterFigure(rollup=rollup, metric=theme_key(pk), scope="org", value=value)
        for pk, value in counts.items()
    )


def test_themes_growing_orders_by_growth_from_the_stored_figures():
    a, b, c, d, e = (friction_theme_for_matrix(terms=(f"t{n}", "x")) for n in range(5))
    friction_theme_rename(theme=b, name="Hold times", by=None)
    store_counts("2026Q3", {a.pk: 10, b.pk: 1, c.pk: 5, d.pk: 8})
    store_counts("2026Q4", {a.pk: 12, b.pk: 9, c.pk: 9, d.pk: 3, e.pk: 4})

    growing = themes_growing(quarter=Quarter(2026, 4), limit=3)

    assert [(g.theme, g.name, g.count, g.previous, g.change) for g in growing] == [
        (b, "Hold times", 9, 1, 8),
        (c, c.terms_name, 9, 5, 4),
        (e, e.terms_name, 4, 0, 4),
    ]
    # Shrinking themes are not growing; limit=5 still stops at those that grew.
    assert [g.theme for g in themes_growing(quarter=Quarter(2026, 4))] == [b, c, e, a]


def test_themes_growing_reads_three_queries_and_no_previous_roll_up_is_none(
    django_assert_num_queries,
):
    theme = friction_theme_for_matrix()
    store_counts("2026Q4", {theme.pk: 3})
    with django_assert_num_queries(3):
        [growth] = themes_growing(quarter=Quarter(2026, 4))
    assert (growth.count, growth.previous, growth.change) == (3, None, 3)


def test_the_dashboard_partial_links_each_growing_theme_to_its_reports(rf):
    from django.template.loader import render_to_string

    theme = friction_theme_for_matrix()
    store_counts("2026Q4", {theme.pk: 3})
    html = render_to_string(
        "metrics/_themes_growing.html",
        {"growing_themes": themes_growing(quarter=Quarter(2026, 4)), "quarter": Quarter(2026, 4)},
    )
    assert f'href="{theme.get_absolute_url()}"' in html
    assert "<caption" in html
    assert 'scope="row"' in html


# The pages


def test_leadership_reads_the_themes_without_a_rename_form(client, leadership):
    theme = friction_theme_for_matrix()
    client.force_login(leadership)
    page = client.get(reverse("metrics:themes"))
    assert page.status_code == 200
    assert theme.display_name in page.content.decode()
    assert reverse("metrics:theme_rename", args=[theme.pk]) not in page.content.decode()
    assert reverse("metrics:themes_refit") not in page.content.decode()


def test_the_cx_lead_renames_a_theme_and_is_sent_back_with_a_message(client, cx_lead):
    theme = friction_theme_for_matrix()
    client.force_login(cx_lead)
    back = reverse("metrics:themes")
    page = client.get(back)
    assert reverse("metrics:theme_rename", args=[theme.pk]) in page.content.decode()

    response = client.post(
        reverse("metrics:theme_rename", args=[theme.pk]),
        {f"theme-{theme.pk}-name": "Refunds wait", "next": back},
        follow=True,
    )

    assert response.redirect_chain == [(back, 302)]
    assert THEME_RENAMED.format(name="Refunds wait") in response.content.decode()
    theme.refresh_from_db()
    assert theme.name == "Refunds wait"
    response = client.post(
        reverse("metrics:theme_rename", args=[theme.pk]),
        {f"theme-{theme.pk}-name": "", "next": back},
        follow=True,
    )
    assert THEME_NAME_RESET.format(name="refund · manager") in response.content.decode()


def test_a_name_too_long_is_refused_beside_the_field_and_what_was_typed_is_kept(client, cx_lead):
    theme = friction_theme_for_matrix()
    client.force_login(cx_lead)
    typed = "Refunds " + "x" * 80
    response = client.post(
        reverse("metrics:theme_rename", args=[theme.pk]), {f"theme-{theme.pk}-name": typed}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(THEME_NAME_TOO_LONG) in html
    assert f'value="{typed}"' in html
    assert 'aria-invalid="true"' in html
    theme.refresh_from_db()
    assert theme.name == ""


def test_a_rename_without_its_name_field_is_refused_and_keeps_the_name(client, cx_lead):
    theme = friction_theme_for_matrix()
    friction_theme_rename(theme=theme, name="Refunds wait", by=cx_lead)
    client.force_login(cx_lead)
    response = client.post(reverse("metrics:theme_rename", args=[theme.pk]), {"name": "Oops"})
    assert response.status_code == 400
    assert NAME_MISSING in response.content.decode()
    theme.refresh_from_db()
    assert theme.name == "Refunds wait"


def test_the_refit_button_hands_the_task_to_the_broker_and_never_fits(client, cx_lead):
    client.force_login(cx_lead)
    with (
        mock.patch("metrics.themes.services.broker_send") as send,
        mock.patch("metrics.themes.text.fit") as fit,
    ):
        response = client.post(reverse("metrics:themes_refit"), follow=True)
        again = client.post(reverse("metrics:themes_refit"), follow=True)
    send.assert_called_once_with(REFIT_TASK, args=[cx_lead.pk])
    fit.assert_not_called()
    assert escape(REFIT_QUEUED) in response.content.decode()
    # A second click while it is queued queues nothing; once the worker is done, one may.
    assert escape(REFIT_ALREADY_QUEUED) in again.content.decode()
    friction_themes_refit_done()
    with mock.patch("metrics.themes.services.broker_send") as send:
        client.post(reverse("metrics:themes_refit"))
    send.assert_called_once()


def test_a_refit_asked_while_the_broker_is_down_says_so(client, cx_lead):
    client.force_login(cx_lead)
    with mock.patch("metrics.themes.services.broker_send", side_effect=ConnectionError):
        response = client.post(reverse("metrics:themes_refit"), follow=True)
    assert escape(REFIT_WORKER_AWAY) in response.content.decode()


def test_a_theme_page_lists_its_reports_newest_first_and_never_a_reporter(
    client, leadership, frontline
):
    theme = friction_theme_for_matrix()
    named, _ = file(frontline, title="Refund named")
    anonymous, _ = file(frontline, anonymous=True, title="Refund anonymous")
    FrictionReport.objects.filter(pk=named.pk).update(created_at=Q3)
    for report in (named, anonymous):
        FrictionThemeReport.objects.create(report=report, theme=theme, weight=0.5, assigned_at=NOW)
    client.force_login(leadership)

    page = client.get(reverse("metrics:theme", args=[theme.pk])).content.decode()

    assert page.index("Refund anonymous") < page.index("Refund named")
    assert f'href="{reverse("frictions:report", args=[anonymous.pk])}"' in page
    assert frontline.display_name not in page


def test_a_theme_a_refit_replaced_is_not_found(client, leadership):
    client.force_login(leadership)
    assert client.get(reverse("metrics:theme", args=[999999])).status_code == 404


def test_the_themes_page_reads_the_same_queries_however_many_themes(
    client, cx_lead, queries_at_two_sizes
):
    client.force_login(cx_lead)

    def build(size):
        FrictionThemeFit.objects.all().delete()
        QuarterRollup.objects.all().delete()
        fit = FrictionThemeFit.objects.create(fitted_at=NOW, report_count=size, vocabulary={})
        themes = FrictionTheme.objects.bulk_create(
            FrictionTheme(fit=fit, top_terms=[f"term{n}"], component={}, created_at=NOW)
            for n in range(size)
        )
        for quarter in Quarter(2026, 4).last(4):
            store_counts(str(quarter), {t.pk: 2 for t in themes})
        return reverse("metrics:themes")

    def shown(page):
        return sum(1 for row in page.context["rows"] for c in row["counts"] if c)

    queries_at_two_sizes(build, shown, ceiling=14, sizes=(2, 15))


def test_a_theme_page_reads_the_same_queries_however_many_reports(
    client, leadership, frontline, queries_at_two_sizes
):
    client.force_login(leadership)
    theme = friction_theme_for_matrix()

    def build(size):
        for n in range(size - theme.placements.count()):
            report, _ = file(frontline, title=f"Refund {n}")
            FrictionThemeReport.objects.create(
                report=report, theme=theme, weight=1, assigned_at=NOW
            )
        return reverse("metrics:theme", args=[theme.pk])

    def shown(page):
        return len(page.context["page"].object_list)

    queries_at_two_sizes(build, shown, ceiling=10, sizes=(2, 26))


# Through a real worker: the CX lead's button, Redis, `celery worker`, PostgreSQL


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
@pytest.mark.django_db(transaction=True)
def test_the_refit_button_has_a_real_worker_learn_and_place_the_themes(
    client, cx_lead, frontline, celery_worker_process
):
    reports = {}
    for friction, title, description in SAMPLE:
        report, _ = file(frontline, title=title, description=description)
        reports[report.pk] = friction
    worker = celery_worker_process().wait_ready()
    client.force_login(cx_lead)

    response = client.post(reverse("metrics:themes_refit"), follow=True)

    assert escape(REFIT_QUEUED) in response.content.decode()
    # Polled by count, not by clock: the test's clock is frozen (time_machine).
    for _ in range(600):
        if FrictionThemeReport.objects.count() == len(SAMPLE):
            break
        time.sleep(0.2)
    else:
        raise AssertionError(f"the worker placed nothing; its output:\n{worker.output()}")
    assert FrictionThemeFit.objects.get().requested_by == cx_lead
    found = themes_by_friction(reports)
    assert all(len(found[f]) == 1 and None not in found[f] for f in FRICTIONS)
    assert found["other"] == {None}


def test_themes_growing_reads_the_same_whether_a_theme_grew_or_not(
    django_assert_num_queries,
):
    a = friction_theme_for_matrix(terms=("t0", "x"))
    store_counts("2026Q3", {a.pk: 10})
    store_counts("2026Q4", {a.pk: 3})
    with django_assert_num_queries(3):
        assert themes_growing(quarter=Quarter(2026, 4)) == []
    store_counts("2027Q1", {a.pk: 5})
    with django_assert_num_queries(3):
        assert [g.theme for g in themes_growing(quarter=Quarter(2027, 1))] == [a]
