from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("people/", views.people_list_view, name="people"),
    path("people/new/", views.person_create_view, name="person_create"),
    path("people/<int:pk>/", views.person_edit_view, name="person_edit"),
    path("people/<int:pk>/deactivate/", views.person_deactivate_view, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate_view, name="person_reactivate"),
    path("people/<int:pk>/invite/", views.person_invite_view, name="person_invite"),
    path("people/import/", views.people_import_view, name="people_import"),
    path(
        "people/import/<int:pk>/",
        views.people_import_preview_view,
        name="people_import_preview",
    ),
    path(
        "people/import/<int:pk>/progress/",
        views.people_import_progress_view,
        name="people_import_progress",
    ),
    path("teams/", views.teams_view, name="teams"),
    path("teams/new/", views.TeamCreateView.as_view(), name="team_create"),
    path("teams/<int:pk>/", views.TeamEditView.as_view(), name="team_edit"),
    path("departments/new/", views.DepartmentCreateView.as_view(), name="department_create"),
    path("departments/<int:pk>/", views.DepartmentEditView.as_view(), name="department_edit"),
]
