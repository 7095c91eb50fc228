"""Demo partners from the seeds: Red Barnet Ungdom (Lektiecafé) and Red Barnet (Småbørnsklub)."""

from datetime import date

from programmes.models import Branch, Programme

from .models import PartnerOrganisation, Partnership

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


def load_partners() -> None:
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
