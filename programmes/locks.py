from __future__ import annotations

from django.utils.translation import gettext as _

from programmes.models import Session
from programmes.services import SchedulingError


def lock_session(session_id: int) -> Session:
    try:
        return (
            Session.objects.select_for_update(of=("self",))
            .select_related("programme", "room__branch")
            .get(pk=session_id)
        )
    except Session.DoesNotExist as exc:
        raise SchedulingError(_("This session does not exist (any more).")) from exc
