from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from households.models import Child
from programmes.eligibility import party_eligibility
from programmes.models import Branch, Programme, Session

# How far ahead an invitation looks for sessions, and how many it shows per programme.
INVITATION_HORIZON = timedelta(days=90)


SESSIONS_PER_OFFER = 3


@dataclass(frozen=True)
class Offer:
    programme: Programme
    sessions: list[Session]


def children_may_join(children: list[Child], session: Session) -> bool:
    """An invitation is for the whole family: one child in the age group is enough."""
    return party_eligibility(
        programme=session.programme,
        children=children,
        on=session.local_start.date(),
        every_child=False,
    ).eligible


class PathOffers:
    """The programmes after a programme on the family path, each with the next sessions a
    child of the family may join, at the branch first, then elsewhere in the municipality.

    One per planner run: the sessions near a branch are read once, whatever the families.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._sessions: dict[tuple[int, int], list[Session]] = {}
        self._at_branch: dict[int, list[Session]] = {}

    def _near(self, programme: Programme, branch: Branch) -> list[Session]:
        key = (programme.pk, branch.pk)
        if key not in self._sessions:
            sessions = (
                Session.objects.filter(
                    programme__in=programme.next_programmes.filter(is_published=True),
                    status=Session.Status.SCHEDULED,
                    starts_at__gt=self.now,
                    starts_at__lte=self.now + INVITATION_HORIZON,
                    room__branch__municipality=branch.municipality,
                )
                .select_related("programme", "room__branch")
                .order_by("starts_at")
            )
            # The branch's own sessions first; sorted() keeps the time order within each.
            self._sessions[key] = sorted(sessions, key=lambda s: s.room.branch_id != branch.pk)
        return self._sessions[key]

    def _branch_sessions(self, branch: Branch) -> list[Session]:
        if branch.pk not in self._at_branch:
            self._at_branch[branch.pk] = list(
                Session.objects.filter(
                    programme__is_published=True,
                    status=Session.Status.SCHEDULED,
                    starts_at__gt=self.now,
                    starts_at__lte=self.now + INVITATION_HORIZON,
                    room__branch=branch,
                )
                # A course is joined by referral, not from an invitation.
                .exclude(programme__booking_mode=Programme.BookingMode.COURSE)
                .select_related("programme", "room__branch")
                .order_by("starts_at")
            )
        return self._at_branch[branch.pk]

    def for_family(
        self, *, programme: Programme, branch: Branch, children: list[Child]
    ) -> list[Offer]:
        """The next steps on the family path from ``programme``."""
        return self._offers(self._near(programme, branch), children)

    def next_or_at_branch(
        self, *, programme: Programme, branch: Branch, children: list[Child]
    ) -> list[Offer]:
        """The family path's next steps; where the path has none, the branch's other
        activities for the children's ages."""
        return self.for_family(programme=programme, branch=branch, children=children) or [
            offer
            for offer in self._offers(self._branch_sessions(branch), children)
            if offer.programme != programme
        ]

    def _offers(self, sessions: list[Session], children: list[Child]) -> list[Offer]:
        found: dict[Programme, list[Session]] = {}
        for session in sessions:
            chosen = found.setdefault(session.programme, [])
            if len(chosen) < SESSIONS_PER_OFFER and children_may_join(children, session):
                chosen.append(session)
        return [
            Offer(programme=p, sessions=sorted(s, key=lambda x: x.starts_at))
            for p, s in sorted(found.items(), key=lambda item: item[0].name)
            if s
        ]
