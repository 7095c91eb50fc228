"""schema.org data for search engines and calendar apps (JSON-LD)."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString

from programmes.models import Session

# Characters that could end the <script> element early are escaped, as json_script does.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def session_event(*, session: Session, url: str, places_left: int) -> SafeString:
    branch = session.room.branch
    programme = session.programme
    cancelled = session.status == Session.Status.CANCELLED
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": f"{programme.name} – {branch.name}",
        "description": programme.summary or programme.description,
        "startDate": session.local_start.isoformat(),
        "endDate": session.local_end.isoformat(),
        "eventStatus": "https://schema.org/EventCancelled"
        if cancelled
        else "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "isAccessibleForFree": programme.is_free,
        "location": {
            "@type": "Place",
            "name": f"{session.room.name}, {branch.name}",
            "address": {
                "@type": "PostalAddress",
                "streetAddress": branch.address,
                "addressLocality": branch.municipality,
            },
        },
        "organizer": {"@type": "Organization", "name": branch.name},
        "maximumAttendeeCapacity": session.capacity,
        "remainingAttendeeCapacity": max(places_left, 0),
        "url": url,
    }
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(payload))
