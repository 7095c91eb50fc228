"""The UN's 17 Sustainable Development Goals, stored in English.

SustainableDevelopmentGoal.__str__ shows them in the reader's language.
"""

from django.utils.translation import gettext_noop

GOALS = [
    (1, gettext_noop("No poverty")),
    (2, gettext_noop("Zero hunger")),
    (3, gettext_noop("Good health and well-being")),
    (4, gettext_noop("Quality education")),
    (5, gettext_noop("Gender equality")),
    (6, gettext_noop("Clean water and sanitation")),
    (7, gettext_noop("Affordable and clean energy")),
    (8, gettext_noop("Decent work and economic growth")),
    (9, gettext_noop("Industry, innovation and infrastructure")),
    (10, gettext_noop("Reduced inequalities")),
    (11, gettext_noop("Sustainable cities and communities")),
    (12, gettext_noop("Responsible consumption and production")),
    (13, gettext_noop("Climate action")),
    (14, gettext_noop("Life below water")),
    (15, gettext_noop("Life on land")),
    (16, gettext_noop("Peace, justice and strong institutions")),
    (17, gettext_noop("Partnerships for the goals")),
]


def ensure_goals(goal_model) -> None:
    """Create or rename the 17 goals; safe to run again."""
    for number, name in GOALS:
        goal_model.objects.update_or_create(number=number, defaults={"name": name})
