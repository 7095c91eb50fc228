"""The librarian role: a group whose permissions are kept in step after every migrate."""

from django.contrib.auth.models import Group, Permission

LIBRARIAN_GROUP = "Librarians"

# app label -> model -> actions a librarian may take in the admin. Which rows they see is
# decided by their branch memberships (programmes.admin_scoping).
LIBRARIAN_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "programmes": {
        "branch": ("view", "change"),
        "room": ("view", "add", "change", "delete"),
        "programme": ("view", "add", "change"),
        "series": ("view", "add", "change", "delete"),
        "seriesexclusion": ("view", "add", "change", "delete"),
        "session": ("view", "add", "change", "delete"),
        "course": ("view", "add", "change"),
        "strategytrack": ("view",),
        "sustainabledevelopmentgoal": ("view",),
    },
    "bookings": {
        "booking": ("view", "change"),
        "attendance": ("view", "change", "delete"),
        "enrolment": ("view", "add", "change"),
    },
    "partners": {
        "partnerorganisation": ("view",),
        "partnership": ("view", "add", "change"),
    },
}


def ensure_librarian_group(**kwargs) -> Group:
    group, _ = Group.objects.get_or_create(name=LIBRARIAN_GROUP)
    codenames = [
        f"{action}_{model}"
        for models in LIBRARIAN_PERMISSIONS.values()
        for model, actions in models.items()
        for action in actions
    ]
    permissions = Permission.objects.filter(
        content_type__app_label__in=LIBRARIAN_PERMISSIONS, codename__in=codenames
    )
    group.permissions.set(permissions)
    return group
