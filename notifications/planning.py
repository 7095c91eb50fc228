"""What the periodic planners of other apps share: finding rows not yet written about,
and writing a batch of messages at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.expressions import Combinable, NegatedExpression
from django.db.models.functions import Cast, Concat

from notifications.models import Outbox
from notifications.services import Message, notify_many


def not_written(
    prefix: str, suffix: str = "", *, starts_with: bool = False
) -> NegatedExpression[Combinable]:
    """No outbox row yet with the key ``prefix`` + the row's id + ``suffix`` (or, with
    ``starts_with``, none whose key begins so: messages to several contacts per row)."""
    key = Concat(
        Value(prefix), Cast(OuterRef("pk"), CharField()), Value(suffix), output_field=CharField()
    )
    rows = (
        Outbox.objects.filter(key__startswith=key)
        if starts_with
        else Outbox.objects.filter(key=key)
    )
    return ~Exists(rows)


@dataclass(frozen=True)
class OutboxKey:
    """The outbox key of one kind of message about one row: ``prefix`` + the row's id +
    ``suffix``. The message builder writes ``for_row(pk)`` and the planner filters its rows
    with ``not_written()``: both from this one definition, so they cannot drift apart."""

    prefix: str
    suffix: str = ""

    def for_row(self, pk: int) -> str:
        return f"{self.prefix}{pk}{self.suffix}"

    def not_written(self) -> NegatedExpression[Combinable]:
        return not_written(self.prefix, self.suffix)


def write_all(messages: Iterable[Message]) -> int:
    """Write the planner's messages in one transaction; returns how many are new."""
    with transaction.atomic():
        return notify_many(list(messages))
