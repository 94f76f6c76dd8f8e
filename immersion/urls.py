from django.urls import path

from .views import (
    calendar,
    calls,
    escalations,
    feeds,
    followthrough,
    journeys,
    rotations,
    schedule,
    sessions,
    setup,
)

app_name = "immersion"

urlpatterns = [
    path("schedule/", schedule.my_schedule, name="schedule"),
    path("time-off/", schedule.time_off_view, name="time_off"),
    path("time-off/<int:pk>/delete/", schedule.time_off_remove, name="time_off_delete"),
    path("feed/regenerate/", schedule.feed_regenerate, name="feed_regenerate"),
    path("feed/<str:token>.ics", feeds.person_feed_view, name="feed"),
    path("feed/<str:token>/programme.ics", feeds.programme_feed_view, name="programme_feed"),
    path("sessions/<int:session_pk>/swap/", schedule.swap_create, name="swap_create"),
    path("swaps/<int:pk>/accept/", schedule.swap_accept, name="swap_accept"),
    path("swaps/<int:pk>/decline/", schedule.swap_decline, name="swap_decline"),
    path("swaps/<int:pk>/withdraw/", schedule.swap_withdraw, name="swap_withdraw"),
    path("calendar/", calendar.programme_calendar, name="calendar"),
    path("at-risk/", calendar.at_risk_view, name="at_risk"),
    path("rotations/", rotations.rotation_list, name="rotations"),
    path("rotations/new/", rotations.rotation_builder, name="rotation_new"),
    path("rotations/preview/", rotations.rotation_preview_fragment, name="rotation_preview"),
    path("rotations/<int:pk>/", rotations.rotation_detail, name="rotation_detail"),
    path("sessions/new/", sessions.session_create_view, name="session_create"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:pk>/cancel/", sessions.session_cancel_view, name="session_cancel"),
    path("sessions/<int:pk>/confirm/", sessions.session_confirm_view, name="session_confirm"),
    path("sessions/<int:pk>/reassign/", sessions.session_reassign, name="session_reassign"),
    # After a session (keyed by the person's place in it)
    path("places/<int:pk>/attendance/", followthrough.attendance_view, name="attendance"),
    path("places/<int:pk>/reflection/", followthrough.reflection_view, name="reflection"),
    path("places/<int:pk>/journey/", journeys.journey_start, name="journey_start"),
    path("places/<int:pk>/calls/draw/", calls.customer_calls_draw_view, name="calls_draw"),
    path("reflections/", followthrough.reflection_list, name="reflections"),
    path("commitments/<int:pk>/done/", followthrough.commitment_done, name="commitment_done"),
    # Journeys
    path("journeys/", journeys.journey_list, name="journeys"),
    path("journeys/new/", journeys.journey_template_edit, name="journey_template_create"),
    path("journeys/<int:pk>/edit/", journeys.journey_template_edit, name="journey_template_edit"),
    path("journeys/<int:pk>/", journeys.journey_compare, name="journey_compare"),
    path("journeys/walks/<int:pk>/", journeys.journey_exercise, name="journey_exercise"),
    path(
        "journeys/walks/<int:pk>/steps/<int:step_pk>/",
        journeys.journey_step,
        name="journey_step",
    ),
    # Customer calls
    path("calls/", calls.call_list_view, name="call_list"),
    path("calls/import/", calls.call_list_import, name="call_list_import"),
    path("calls/import/<int:pk>/", calls.call_list_preview_view, name="call_list_preview"),
    path(
        "calls/import/<int:pk>/progress/", calls.call_list_progress_view, name="call_list_progress"
    ),
    path("calls/questions/new/", calls.question_set_edit, name="question_set_create"),
    path("calls/questions/<int:pk>/", calls.question_set_edit, name="question_set_edit"),
    path("calls/<int:pk>/", calls.customer_call_view, name="customer_call"),
    path("setup/", setup.setup_view, name="setup"),
    path("setup/targets/new/", setup.TargetCreateView.as_view(), name="target_create"),
    path("setup/targets/<int:pk>/", setup.TargetEditView.as_view(), name="target_edit"),
    path("setup/activities/new/", setup.ActivityCreateView.as_view(), name="activity_create"),
    path("setup/activities/<int:pk>/", setup.ActivityEditView.as_view(), name="activity_edit"),
    path("setup/holidays/<int:pk>/delete/", setup.holiday_delete, name="holiday_delete"),
    path("escalations/", escalations.escalation_list, name="escalations"),
    path("escalations/new/", escalations.escalation_create, name="escalation_create"),
    path("escalations/<int:pk>/", escalations.escalation_detail, name="escalation_detail"),
]
