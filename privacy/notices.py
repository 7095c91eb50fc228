"""What the privacy notices say that differs between installations and libraries.

Who is responsible for each library's data (its municipality), where to complain (the
country's data protection authority), how to write to the municipality (the settings) and
how long each kind of personal data is kept: the retention settings the purge reads, so
that the notice and the purge cannot disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from partners.models import Partnership
from programmes.models import Branch


@dataclass(frozen=True)
class Authority:
    """A national data protection authority: anyone may complain to it."""

    country: StrOrPromise
    name: str
    url: str

    @property
    def site(self) -> str:
        """The address as people read it: www.datatilsynet.dk."""
        return self.url.removeprefix("https://").rstrip("/")


DENMARK = Authority(_("Denmark"), "Datatilsynet", "https://www.datatilsynet.dk")
NORWAY = Authority(_("Norway"), "Datatilsynet", "https://www.datatilsynet.no")

# A branch records no country; its time zone (one of programmes.models.NORDIC_TIME_ZONES)
# is what says which country's authority hears a complaint about it.
AUTHORITY_BY_TIME_ZONE: dict[str, Authority] = {
    "Europe/Copenhagen": DENMARK,
    "Europe/Oslo": NORWAY,
    "Europe/Stockholm": Authority(
        _("Sweden"), "Integritetsskyddsmyndigheten (IMY)", "https://www.imy.se"
    ),
    "Europe/Helsinki": Authority(
        _("Finland"), "Tietosuojavaltuutetun toimisto", "https://tietosuoja.fi"
    ),
    "Atlantic/Faroe": Authority(_("Faroe Islands"), "Dátueftirlitið", "https://www.dat.fo"),
    # Denmark's authority also supervises Greenland's data protection law.
    "America/Nuuk": Authority(_("Greenland"), "Datatilsynet", "https://www.datatilsynet.dk"),
}

# "Aarhus Kommune", "Bærum kommune", "Municipality of …": already the body's own name.
_NAMES_ITSELF = re.compile(r"kommun|municipal|kunta|kaupunki", re.IGNORECASE)


def authority_for(time_zone: str) -> Authority:
    return AUTHORITY_BY_TIME_ZONE.get(time_zone, DENMARK)


def controller_name(municipality: str) -> str:
    """The municipality as the body responsible: "Aarhus" is "Aarhus Municipality" (in
    Danish "Aarhus Kommune", in Norwegian "Aarhus kommune"); a name that already says
    so is left as it is."""
    if _NAMES_ITSELF.search(municipality):
        return municipality
    return gettext("%(municipality)s Municipality") % {"municipality": municipality}


@dataclass(frozen=True)
class Library:
    """One branch as a notice lists it: where it is and who is responsible."""

    name: str
    address: str
    controller: str
    authority: Authority


def _library(branch: Branch) -> Library:
    return Library(
        name=branch.name,
        address=branch.address,
        controller=controller_name(branch.municipality),
        authority=authority_for(branch.time_zone),
    )


@dataclass(frozen=True)
class Contact:
    """How to reach the municipality about personal data; empty where not configured."""

    email: str
    address: str
    officer_email: str


@dataclass(frozen=True)
class Retention:
    """How long each kind of personal data is kept: the settings the purge reads."""

    household_months: int
    volunteer_months: int
    message_days: int


def contact() -> Contact:
    return Contact(
        email=settings.DATA_CONTROLLER_EMAIL,
        address=settings.DATA_CONTROLLER_ADDRESS,
        officer_email=settings.DATA_PROTECTION_OFFICER_EMAIL,
    )


def retention() -> Retention:
    return Retention(
        household_months=settings.HOUSEHOLD_RETENTION_MONTHS,
        volunteer_months=settings.VOLUNTEER_RETENTION_MONTHS,
        message_days=settings.OUTBOX_BODY_RETENTION_DAYS,
    )


def _authorities(libraries: list[Library]) -> list[Authority]:
    """Each authority once, in the order the libraries first name it; with no library yet,
    the one of the installation's own time zone."""
    found = dict.fromkeys(library.authority for library in libraries)
    return list(found) or [authority_for(settings.TIME_ZONE)]


@dataclass(frozen=True)
class FamilyNotice:
    libraries: list[Library]
    authorities: list[Authority]
    contact: Contact
    retention: Retention


def family_notice() -> FamilyNotice:
    """What the families' notice fills in: every library, as families may book at any."""
    libraries = [_library(branch) for branch in Branch.objects.order_by("municipality", "name")]
    return FamilyNotice(
        libraries=libraries,
        authorities=_authorities(libraries),
        contact=contact(),
        retention=retention(),
    )


@dataclass(frozen=True)
class Partner:
    """An organisation whose volunteers help at libraries, and those libraries."""

    name: str
    libraries: list[Library] = field(default_factory=list)


@dataclass(frozen=True)
class VolunteerNotice:
    partners: list[Partner]
    authorities: list[Authority]
    contact: Contact
    retention: Retention


def volunteer_notice(*, today: date) -> VolunteerNotice:
    """What the volunteers' notice fills in: the organisations with a partnership running
    or coming, each with the libraries where its volunteers help."""
    partnerships = (
        Partnership.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("organisation", "branch")
        .order_by("organisation__name", "branch__name")
    )
    partners: dict[int, Partner] = {}
    seen: set[tuple[int, int]] = set()
    for partnership in partnerships:
        partner = partners.setdefault(
            partnership.organisation_id, Partner(name=partnership.organisation.name)
        )
        if (partnership.organisation_id, partnership.branch_id) not in seen:
            seen.add((partnership.organisation_id, partnership.branch_id))
            partner.libraries.append(_library(partnership.branch))
    libraries = [library for partner in partners.values() for library in partner.libraries]
    return VolunteerNotice(
        partners=list(partners.values()),
        authorities=_authorities(libraries),
        contact=contact(),
        retention=retention(),
    )
