"""Demo partners from the seeds: Red Barnet Ungdom (Lektiecafé) and Red Barnet (Småbørnsklub),
with a named contact person on each side (invented people) and a login for each partner's
coordinator."""

from datetime import date

from django.contrib.auth import get_user_model

from demo.programmes import DEMO_PASSWORD
from partners.models import ContactPerson, PartnerOrganisation, Partnership
from programmes.models import Branch, Programme

ORGANISATIONS = [
    ("red-barnet-ungdom", "Red Barnet Ungdom", "Recruits and coordinates student volunteers."),
    ("red-barnet", "Red Barnet", "Runs Småbørnsklubber with volunteers and professionals."),
]

PARTNERSHIPS = [
    # organisation, programme, branch, since, notes
    (
        "red-barnet-ungdom",
        "lektiecafe",
        "aarhus-hovedbiblioteket",
        date(2008, 1, 1),
        "Red Barnet Ungdom recruits and coordinates the homework helpers; the library "
        "hosts, serves coffee, tea and fruit, and names a contact person. Two experience "
        "meetings a year with all homework helpers.",
    ),
    (
        "red-barnet",
        "smaabornsklub",
        "ballerup",
        date(2021, 1, 1),
        "Half-year clubs with weekly meetings; families are referred by professionals.",
    ),
]


def load_partners() -> dict[str, ContactPerson]:
    organisations = {}
    for slug, name, description in ORGANISATIONS:
        organisations[slug], _ = PartnerOrganisation.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
    for org, programme, branch, since, notes in PARTNERSHIPS:
        Partnership.objects.update_or_create(
            organisation=organisations[org],
            programme=Programme.objects.get(slug=programme),
            branch=Branch.objects.get(slug=branch),
            starts_on=since,
            defaults={"notes": notes},
        )
    return load_contacts()


# The library's contact person at each branch: the seeds ask for a named person on both sides.
LIBRARY_CONTACTS = [
    # branch, name, e-mail, phone, language
    ("sandvika", "Ingrid Solheim", "ingrid.solheim", "+47 67 00 11 01", "nb"),
    ("bekkestua", "Kjersti Lunde", "kjersti.lunde", "+47 67 00 11 02", "nb"),
    ("aarhus-hovedbiblioteket", "Mette Kjærgaard", "mette.kjaergaard", "+45 89 40 00 01", "da"),
    ("ballerup", "Sofie Lindqvist", "sofie.lindqvist", "+45 44 77 00 01", "da"),
]

# Each partner's coordinator signs in on the site (not the admin) to plan shifts.
COORDINATORS = [
    # username, organisation, name, title, phone
    (
        "koordinator",
        "red-barnet-ungdom",
        "Signe Holmgaard",
        "Frivilligkoordinator",
        "+45 30 11 22 01",
    ),
    ("redbarnet", "red-barnet", "Tove Lauritsen", "Klubkoordinator", "+45 30 11 22 02"),
]


def load_contacts() -> dict[str, ContactPerson]:
    """Library contacts per branch and partner coordinators with their logins, each put on
    the partnerships of their branch or organisation; returns the coordinators by login."""
    branches = {b.slug: b for b in Branch.objects.filter(slug__in=[c[0] for c in LIBRARY_CONTACTS])}
    for slug, name, mailbox, phone, language in LIBRARY_CONTACTS:
        contact, _ = ContactPerson.objects.update_or_create(
            organisation=None,
            email=f"{mailbox}@familieliv.invalid",
            defaults={
                "branch": branches[slug],
                "name": name,
                "title": f"Kontaktperson for frivillige, {branches[slug].name}",
                "phone": phone,
                "language": language,
            },
        )
        Partnership.objects.filter(branch=branches[slug], library_contact=None).update(
            library_contact=contact
        )

    User = get_user_model()
    coordinators = {}
    for username, org, name, title, phone in COORDINATORS:
        first, last = name.split()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@familieliv.invalid",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        organisation = PartnerOrganisation.objects.get(slug=org)
        contact, _ = ContactPerson.objects.update_or_create(
            user=user,
            defaults={
                "organisation": organisation,
                "name": name,
                "title": title,
                "email": f"{username}@familieliv.invalid",
                "phone": phone,
                "language": "da",
            },
        )
        for partnership in organisation.partnerships.all():
            partnership.coordinators.add(contact)
        coordinators[username] = contact
    return coordinators
