"""Sign-in hooks: django-axes' account name, and the permission backend every request asks.

Django's ModelBackend loads a person's permissions from the database once per user object,
that is once per request: two queries on every page (16.5 ms of worker time on the lightest
signed-in page at issue 14's volume, against 2.9 ms for a bare view). RolePermissionBackend
keeps a person's roles and permissions in the "shared" cache instead, keyed by the person, their
`access_stamp` (a new one is written in the same transaction as any change to their roles or
own permissions) and a generation that changes when what a role holds changes. The stamp is
read with the user row the request loads anyway, so the request after a role is taken away
asks for a key nobody wrote yet and is refused; no request ever trusts a cache entry about a
change that has not committed.
"""

import logging
from dataclasses import dataclass

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.cache import caches

from core.generations import generation as core_generation
from core.generations import generation_bump, generation_key

logger = logging.getLogger(__name__)

# The "shared" cache: Redis in production, files beside the embedded broker otherwise, so every
# web process sees a change to a role's permissions alike.
CACHE_ALIAS = "shared"
GENERATION = "access"
GENERATION_KEY = generation_key(GENERATION)
# What a role holds changes by `roles_sync` after a migrate, or by hand in the admin; a person's
# roles change their stamp. The timeout only lets entries of people who left fall away.
TIMEOUT_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Access:
    """What one person may do: their role names and their permissions ("app_label.codename")."""

    roles: frozenset[str]
    permissions: frozenset[str]


NO_ACCESS = Access(roles=frozenset(), permissions=frozenset())


def axes_username(request, credentials: dict | None) -> str | None:
    """The account a sign-in attempt names, as stored: lower case, no surrounding space."""
    source = credentials or getattr(request, "POST", None) or {}
    value = source.get("username")
    return value.strip().lower() if isinstance(value, str) else None


def _user_key(user) -> str:
    return f"access:{user.pk}:{user.access_stamp}:{int(user.is_superuser)}"


def user_access(user) -> Access:
    """The roles and permissions of `user` (none for someone inactive or not signed in).

    Memoised on the user object for the request; read from the shared cache, or from the
    database when the cache has nothing for the person's current stamp and roles' generation.
    """
    memo = getattr(user, "_access", None)
    if memo is not None:
        return memo
    if not user.is_authenticated or not user.is_active:
        user._access = NO_ACCESS
        return NO_ACCESS
    key = _user_key(user)
    try:
        cache = caches[CACHE_ALIAS]
        found = cache.get_many([key, GENERATION_KEY])
        generation = found.get(GENERATION_KEY) or core_generation(GENERATION, cache=cache)
    except Exception:  # noqa: BLE001 - the cache down must not refuse the page: ask the database
        logger.warning("Permission cache unavailable; permissions read from the database")
        user._access = _access_from_database(user)
        return user._access
    cached = found.get(key)
    if cached is not None and cached[0] == generation:
        access = Access(roles=frozenset(cached[1]), permissions=frozenset(cached[2]))
    else:
        access = _access_from_database(user)
        value = (generation, sorted(access.roles), sorted(access.permissions))
        try:
            cache.set(key, value, timeout=TIMEOUT_SECONDS)
        except Exception:  # noqa: BLE001 - remembered next time, then
            logger.warning("Permission cache unavailable; permissions not remembered")
    user._access = access
    return access


def _access_from_database(user) -> Access:
    """Two queries, as ModelBackend's: the person's roles with what each holds, and the
    permissions given to the person directly."""
    from .models import User

    if user.is_superuser:
        backend = ModelBackend()
        permissions = backend.get_user_permissions(user) | backend.get_group_permissions(user)
        roles = set(user.groups.values_list("name", flat=True))
        return Access(roles=frozenset(roles), permissions=frozenset(permissions))
    roles, permissions = set(), set()
    held = User.groups.through.objects.filter(user=user).values_list(
        "group__name",
        "group__permissions__content_type__app_label",
        "group__permissions__codename",
    )
    for role, app_label, codename in held:
        roles.add(role)
        if codename is not None:
            permissions.add(f"{app_label}.{codename}")
    own = Permission.objects.filter(user=user).values_list("content_type__app_label", "codename")
    permissions.update(f"{app_label}.{codename}" for app_label, codename in own)
    return Access(roles=frozenset(roles), permissions=frozenset(permissions))


def access_remember_at_sign_in(sender, user, **kwargs) -> None:
    """Sign-in reads the person's permissions once, so their first page does not."""
    user_access_forget(user)
    user_access(user)


def user_access_forget(user) -> None:
    """Drop what this user object remembers of its access (its roles just changed)."""
    for name in ("_access", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(name, None)


class RolePermissionBackend(ModelBackend):
    """ModelBackend (password sign-in, active people only), with every person's permission set
    read from the shared cache rather than from the database on each request."""

    def get_all_permissions(self, user_obj, obj=None):
        if obj is not None:
            return set()
        return set(user_access(user_obj).permissions)

    def has_perm(self, user_obj, perm, obj=None):
        return obj is None and perm in user_access(user_obj).permissions


def _people_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A person's roles or own permissions changed: give them a new stamp, in the transaction."""
    from .models import User, new_access_stamp

    if not action.startswith("post_"):
        return
    if not reverse:
        instance.access_stamp = new_access_stamp()
        User.objects.filter(pk=instance.pk).update(access_stamp=instance.access_stamp)
        user_access_forget(instance)
    elif pk_set:
        User.objects.filter(pk__in=pk_set).update(access_stamp=new_access_stamp())
    elif action == "post_clear":
        # A group or permission emptied of its people: who they were is no longer known.
        _roles_changed()


def _roles_changed(*args, **kwargs) -> None:
    """What a role (a group) holds, or its name, changed: now, and again once it commits, so a
    request that read the old rows meanwhile does not leave them remembered."""
    if kwargs.get("action", "post_").startswith("post_"):
        generation_bump(GENERATION)


def access_receivers_connect() -> None:
    """Keep the cached permission sets true: called once from AccountsConfig.ready."""
    from django.contrib.auth.models import Group
    from django.contrib.auth.signals import user_logged_in
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .models import User

    for through in (User.groups.through, User.user_permissions.through):
        m2m_changed.connect(_people_changed, sender=through, dispatch_uid=f"access:{through}")
    m2m_changed.connect(
        _roles_changed, sender=Group.permissions.through, dispatch_uid="access:group-permissions"
    )
    for model in (Group, Permission):
        for signal in (post_save, post_delete):
            signal.connect(_roles_changed, sender=model, dispatch_uid=f"access:{model}:{signal}")
    user_logged_in.connect(access_remember_at_sign_in, dispatch_uid="access:sign-in")
