from datetime import UTC, datetime, time, timedelta

import factory

from programmes.models import Branch, Programme, Room, Series, Session


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    name = factory.Sequence(lambda n: f"Branch {n}")
    slug = factory.Sequence(lambda n: f"branch-{n}")
    municipality = "Bærum"
    time_zone = "Europe/Oslo"


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    capacity = 30


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    kind = Programme.Kind.BABY
    min_age_months = 3
    max_age_months = 12
    default_capacity = 15


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series

    programme = factory.SubFactory(ProgrammeFactory)
    room = factory.SubFactory(RoomFactory)
    weekdays = factory.LazyFunction(lambda: [2])
    start_time = time(11)
    end_time = time(12)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    programme = factory.SubFactory(ProgrammeFactory)
    room = factory.SubFactory(RoomFactory)
    starts_at = factory.Sequence(lambda n: datetime(2030, 1, 7, 10, tzinfo=UTC) + timedelta(days=n))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    capacity = 15
