from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from .models import Department, FrontlineTeam, PeopleImport, User


class UserChangeAdminForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "display_name")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    list_display = ["display_name", "email", "title", "department", "frontline_team", "is_active"]
    list_filter = ["is_active", "is_staff", "groups", "department", "frontline_team"]
    list_select_related = ["department", "frontline_team"]
    search_fields = ["display_name", "email", "title"]
    ordering = ["display_name"]
    autocomplete_fields = ["manager"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("display_name", "title", "time_zone")}),
        ("Organisation", {"fields": ("department", "frontline_team", "manager")}),
        ("Roles and access", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "display_name", "usable_password", "password1", "password2"),
            },
        ),
    )


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(FrontlineTeam)
class FrontlineTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "channel", "weekly_listener_capacity"]
    search_fields = ["name"]


@admin.register(PeopleImport)
class PeopleImportAdmin(admin.ModelAdmin):
    list_display = [
        "file_name",
        "uploaded_at",
        "uploaded_by",
        "applied_at",
        "created_count",
        "updated_count",
    ]
    list_select_related = ["uploaded_by"]
    readonly_fields = [f.name for f in PeopleImport._meta.fields]

    def has_add_permission(self, request):
        return False
