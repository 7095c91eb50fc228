"""Roles as groups whose permissions are kept in step after every migrate.

- Librarians work in the admin, on the rows of their branches.
- Session helpers (club volunteers, staff on the floor) sign in on the site, not the
  admin, to check families in and count pupils at their branches' sessions.
"""

from django.contrib.auth.models import Group, Permission

LIBRARIAN_GROUP = "Librarians"

# app label -> model -> actions a librarian may take in the admin. Which rows they see is
# decided by their branch memberships (common.admin_scoping).
LIBRARIAN_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "programmes": {
        "branch": ("view", "change"),
        "room": ("view", "add", "change", "delete"),
        "programme": ("view", "add", "change"),
        "series": ("view", "add", "change", "delete"),
        "seriesexclusion": ("view", "add", "change", "delete"),
        "session": ("view", "add", "change", "delete"),
        "strategytrack": ("view",),
        "sustainabledevelopmentgoal": ("view",),
    },
    # A family's data is the library's to show, export and erase when the family asks
    # (privacy.admin); the admin shows it read-only, "change" is the erasure.
    "households": {
        "household": ("view", "change"),
        "child": ("view",),
    },
    "bookings": {
        "booking": ("view", "change"),
    },
    "courses": {
        "course": ("view", "add", "change"),
        "enrolment": ("view", "add", "change"),
    },
    "attendance": {
        "attendance": ("view", "add", "change", "delete"),
        "headcount": ("view", "add", "change"),
    },
    "partners": {
        "partnerorganisation": ("view",),
        "partnership": ("view", "add", "change"),
        "contactperson": ("view", "add", "change"),
    },
    # A partner's volunteers are the partner's: the library sees who they are and whether
    # their certificate is valid (the admin hides contact details and certificate notes),
    # ticks the welcome steps it runs, plans shifts, marks who came and holds the
    # experience meetings. Partner coordinators work on their own pages, not the admin.
    "volunteers": {
        "subject": ("view", "add", "change"),
        "volunteer": ("view",),
        "availability": ("view",),
        "certificate": ("view",),
        "onboarding": ("view", "change"),
        "shift": ("view", "add", "change", "delete"),
        "assignment": ("view", "change"),
        "experiencemeeting": ("view", "add", "change", "delete"),
        "meetinginvitation": ("view", "change"),
    },
    # Questionnaires are the programme's, answers the branch's families'; a project's
    # figures are read on the funder report pages (reports.project_views). Librarians
    # read a questionnaire but do not change it: a statement changed or deleted would
    # change (or, protected by its answers, fail on) what families already answered.
    "reports": {
        "questionnaire": ("view",),
        "questionnaireitem": ("view",),
        "questionnaireresponse": ("view", "add", "change", "delete"),
        "questionnaireanswer": ("view", "add", "change", "delete"),
        "funderproject": ("view", "add", "change"),
        "projecttarget": ("view", "add", "change", "delete"),
    },
}


HELPER_GROUP = "Session helpers"

HELPER_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "attendance": {
        "attendance": ("view", "add", "change"),
        "headcount": ("view", "add", "change"),
    },
}


def _ensure_group(name: str, grants: dict[str, dict[str, tuple[str, ...]]]) -> Group:
    group, _ = Group.objects.get_or_create(name=name)
    permissions = Permission.objects.none()
    for app_label, models in grants.items():
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        permissions |= Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
    group.permissions.set(permissions)
    return group


def ensure_librarian_group(**kwargs) -> Group:
    return _ensure_group(LIBRARIAN_GROUP, LIBRARIAN_PERMISSIONS)


def ensure_helper_group(**kwargs) -> Group:
    return _ensure_group(HELPER_GROUP, HELPER_PERMISSIONS)


def ensure_role_groups(**kwargs) -> None:
    ensure_librarian_group()
    ensure_helper_group()
