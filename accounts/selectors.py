"""Reads about people shared by views, tasks and other apps."""

from django.db.models import Count, Q, QuerySet

from .models import Department, FrontlineTeam, User
from .roles import Role


def people_list(
    *,
    q: str = "",
    role: str = "",
    department: Department | None = None,
    team: FrontlineTeam | None = None,
    status: str = "active",
) -> QuerySet[User]:
    """People matching the people-page filters, with what the list shows loaded up front."""
    people = User.objects.select_related(
        "department", "frontline_team", "manager"
    ).prefetch_related("groups")
    if status == "active" or not status:
        people = people.filter(is_active=True)
    elif status == "inactive":
        people = people.filter(is_active=False)
    for word in q.split():
        people = people.filter(
            Q(display_name__icontains=word) | Q(email__icontains=word) | Q(title__icontains=word)
        )
    if role:
        people = people.filter(groups__name=role)
    if department is not None:
        people = people.filter(department=department)
    if team is not None:
        people = people.filter(frontline_team=team)
    return people.order_by("display_name", "email")


def people_with_role(*, role: Role) -> QuerySet[User]:
    """Active people holding `role`, by name."""
    return User.objects.filter(is_active=True, groups__name=role).order_by("display_name", "pk")


def user_has_role(*, user: User, role: Role) -> bool:
    """Whether `user` holds `role`; one query, cached on the user object for the request."""
    cache = getattr(user, "_role_cache", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
        user._role_cache = cache
    return role in cache


def teams_with_member_counts() -> QuerySet[FrontlineTeam]:
    """Teams with how many active people are on each."""
    return FrontlineTeam.objects.annotate(
        member_count=Count("members", filter=Q(members__is_active=True))
    ).order_by("name")


def departments_with_member_counts() -> QuerySet[Department]:
    """Departments with how many active people are in each."""
    return Department.objects.annotate(
        member_count=Count("members", filter=Q(members__is_active=True))
    ).order_by("name")
