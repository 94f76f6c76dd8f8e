"""Reads about people shared by views, tasks and other apps."""

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import Group
from django.db.models import Count, Prefetch, Q, QuerySet

from .backends import user_access
from .filters import PeopleFilter
from .models import ROLE_GROUPS, Department, FrontlineTeam, PeopleImport, User
from .roles import Role


def people_list(*, filters: Mapping[str, Any] | None = None) -> QuerySet[User]:
    """People matching the people-page filters (`filters.PeopleFilter`; active people when no
    status is asked for), by name, with what the list shows loaded up front. A filter value
    that is not valid is left out."""
    # Only the columns a row shows: a person is some twenty columns, and the row's manager
    # another twenty, made into fields fifty times a page for nothing.
    people = (
        User.objects.select_related("department", "frontline_team", "manager")
        .only(
            "display_name",
            "email",
            "title",
            "is_active",
            "department__name",
            "frontline_team__name",
            "manager__display_name",
            "manager__email",
        )
        .prefetch_related(Prefetch("groups", queryset=Group.objects.all(), to_attr=ROLE_GROUPS))
    )
    return PeopleFilter(filters or {}, queryset=people).qs.order_by("display_name", "email")


def person_for(*, pk: int) -> User | None:
    """One person (active or not) with their department, team and manager, to edit."""
    return (
        User.objects.select_related("department", "frontline_team", "manager").filter(pk=pk).first()
    )


def people_reporting_to(*, manager: User) -> QuerySet[User]:
    """The active people whose manager is `manager`, by name."""
    return manager.reports.filter(is_active=True).order_by("display_name")


def people_import_list() -> QuerySet[PeopleImport]:
    """Uploaded people files, newest first, with who uploaded them."""
    return PeopleImport.objects.select_related("uploaded_by")


def people_import_for(*, pk: int) -> PeopleImport | None:
    """One uploaded people file with who uploaded it."""
    return PeopleImport.objects.select_related("uploaded_by").filter(pk=pk).first()


def people_with_role(*, role: Role) -> QuerySet[User]:
    """Active people holding `role`, by name."""
    return User.objects.filter(is_active=True, groups__name=role).order_by("display_name", "pk")


def user_has_role(*, user: User, role: Role) -> bool:
    """Whether `user` holds `role` (an inactive person holds none); from the permission cache
    (accounts.backends), so no query once the person's roles are remembered."""
    return role in user_access(user).roles


def teams_with_member_counts() -> QuerySet[FrontlineTeam]:
    """Teams with how many active people are on each."""
    return FrontlineTeam.objects.annotate(
        member_count=Count("members", filter=Q(members__is_active=True))
    ).order_by("name")


def departments_by_name() -> list[Department]:
    """Every department, by name (a filter's choices)."""
    return list(Department.objects.order_by("name"))


def departments_with_member_counts() -> QuerySet[Department]:
    """Departments with how many active people are in each."""
    return Department.objects.annotate(
        member_count=Count("members", filter=Q(members__is_active=True))
    ).order_by("name")
