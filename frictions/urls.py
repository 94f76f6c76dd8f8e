from django.urls import path

from . import views, views_decisions, views_reviews

app_name = "frictions"

urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.report_new, name="new"),
    path("similar/", views.similar, name="similar"),
    path("receipt/", views.receipt, name="receipt"),
    path("<int:pk>/", views.report_detail, name="report"),
    path("<int:pk>/support/", views.report_support, name="support"),
    path("<int:pk>/information/", views.report_information, name="information"),
    path("<int:pk>/triage/", views.report_triage, name="triage"),
    path("<int:pk>/status/", views.report_transition, name="transition"),
    path("<int:pk>/note/", views.report_note, name="note"),
    path("reviews/", views_reviews.review_list, name="reviews"),
    path("reviews/prepare/<int:session_pk>/", views_reviews.review_prepare, name="review_prepare"),
    path("reviews/<int:pk>/", views_reviews.review_detail, name="review"),
    path("reviews/items/<int:pk>/", views_reviews.review_item, name="review_item"),
    path("integrations/", views.integrations, name="integrations"),
    path("integrations/<int:pk>/revoke/", views.integration_revoke, name="integration_revoke"),
    path("decisions/", views_decisions.decision_list, name="decisions"),
    path("decisions/new/", views_decisions.decision_edit, name="decision_create"),
    path("decisions/<int:pk>/", views_decisions.decision_detail, name="decision"),
    path("decisions/<int:pk>/edit/", views_decisions.decision_edit, name="decision_edit"),
    path("decisions/<int:pk>/status/", views_decisions.decision_status, name="decision_status"),
    path("decisions/<int:pk>/outcome/", views_decisions.decision_outcome, name="decision_outcome"),
    path(
        "decisions/<int:pk>/evidence/",
        views_decisions.decision_evidence,
        name="decision_evidence",
    ),
]
