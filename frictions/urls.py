from django.urls import path

from .views import decisions, integrations, lookups, receipt, reports, reviews

app_name = "frictions"

urlpatterns = [
    path("", reports.board, name="board"),
    path("new/", reports.report_new, name="new"),
    path("filed/", reports.report_filed, name="filed"),
    path("similar/", reports.similar, name="similar"),
    path("receipt/", receipt.receipt, name="receipt"),
    path("lookup/", lookups.report_lookup, name="report_lookup"),
    path("<int:pk>/", reports.report_detail, name="report"),
    path("<int:pk>/support/", reports.report_support, name="support"),
    path("<int:pk>/information/", reports.report_information, name="information"),
    path("<int:pk>/triage/", reports.report_triage, name="triage"),
    path("<int:pk>/status/", reports.report_transition, name="transition"),
    path("<int:pk>/note/", reports.report_note, name="note"),
    path("reviews/", reviews.review_list, name="reviews"),
    path("reviews/prepare/<int:session_pk>/", reviews.review_prepare, name="review_prepare"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review"),
    path("reviews/items/<int:pk>/", reviews.review_item, name="review_item"),
    path("integrations/", integrations.integrations, name="integrations"),
    path(
        "integrations/<int:pk>/revoke/", integrations.integration_revoke, name="integration_revoke"
    ),
    path("decisions/", decisions.decision_list, name="decisions"),
    path("decisions/new/", decisions.decision_edit, name="decision_create"),
    path("decisions/lookup/", lookups.decision_lookup, name="decision_lookup"),
    path("decisions/<int:pk>/", decisions.decision_detail, name="decision"),
    path("decisions/<int:pk>/edit/", decisions.decision_edit, name="decision_edit"),
    path("decisions/<int:pk>/status/", decisions.decision_status, name="decision_status"),
    path("decisions/<int:pk>/outcome/", decisions.decision_outcome, name="decision_outcome"),
    path(
        "decisions/<int:pk>/evidence/",
        decisions.decision_evidence,
        name="decision_evidence",
    ),
]
