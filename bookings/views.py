"""Parents' pages: a session with its booking form, the confirmation, and the manage page.

The views parse input, call one service and show its BookingError; no rule lives here.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from bookings.forms import BookingForm
from bookings.links import (
    booking_from_cant_come_token,
    booking_from_rating_token,
    done_token,
    sent_from_done_token,
)
from bookings.messages import RATINGS
from bookings.models import Booking
from bookings.selectors import (
    household_bookings,
    upcoming_sessions_by_branch,
    with_places,
)
from bookings.services import BookingError, booking_cancel, booking_create, booking_rate
from common.web import BOOKING_RATE, MANAGE_RATE, from_link, rate_limited, speak_to
from households.forms import ChildFormSet, PreferencesForm
from households.links import household_from_token, household_from_unsubscribe_token, manage_token
from households.services import household_stop_invitations, household_update_preferences
from programmes.forms import SessionFilterForm
from programmes.models import Session
from programmes.selectors import (
    published_programme,
    sessions_for_child_born,
    sessions_from_date,
    upcoming_sessions,
)
from programmes.structured_data import session_event


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited(BOOKING_RATE, method="POST")
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        with_places(Session.objects.select_related("programme", "room__branch")),
        pk=pk,
        programme__is_published=True,
    )
    form = BookingForm(request.POST or None)
    children = ChildFormSet(request.POST or None, prefix="children")
    if request.method == "POST":
        if form.is_valid() and children.is_valid():
            data = form.cleaned_data
            try:
                booking_create(
                    session_id=session.pk,
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    adults=data["adults"],
                    language=request.LANGUAGE_CODE,
                    children=children.children(),
                    consents_to_followups=data["wants_followups"],
                )
            except BookingError as exc:
                form.add_error(None, str(exc))
            else:
                # The same page whether the address was new, known, or had booked this
                # session already: the e-mail to the address says which.
                return redirect(
                    "bookings:done", token=done_token(session=session, email=data["email"])
                )
    return render(
        request,
        "bookings/session_detail.html",
        {
            "session": session,
            "programme": session.programme,
            "branch": session.room.branch,
            "places_left": session.places_left,
            "has_started": session.starts_at <= timezone.now(),
            "form": form,
            "children": children,
            "event": session_event(
                session=session,
                url=request.build_absolute_uri(),
                places_left=session.places_left,
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_safe
@never_cache
@rate_limited(MANAGE_RATE)
def booking_done(request: HttpRequest, token: str) -> HttpResponse:
    sent = from_link(sent_from_done_token, token)
    return render(
        request,
        "bookings/done.html",
        {"session": sent.session, "branch": sent.session.room.branch, "email": sent.email},
    )


@require_safe
@never_cache
@rate_limited(MANAGE_RATE)
def manage(request: HttpRequest, token: str) -> HttpResponse:
    household = from_link(household_from_token, token)
    speak_to(request, household)
    upcoming, past = household_bookings(household=household)
    preferences = PreferencesForm(
        initial={
            "language": household.language,
            "consents_to_followups": household.consents_to_followups,
        }
    )
    return render(
        request,
        "bookings/manage.html",
        {
            "household": household,
            "upcoming": upcoming,
            "past": past,
            "token": token,
            "now": timezone.now(),
            "preferences": preferences,
        },
    )


@require_POST
@rate_limited(MANAGE_RATE)
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    household = from_link(household_from_token, token)
    form = PreferencesForm(request.POST)
    saved = form.is_valid()
    if saved:
        household_update_preferences(household=household, **form.cleaned_data)
    # After the change: "saved" is said in the language just chosen.
    speak_to(request, household)
    if saved:
        messages.success(request, _("Your choices are saved."))
    else:
        messages.error(request, _("Your choices could not be saved. Please try again."))
    return redirect("bookings:manage", token=token)


@require_POST
@rate_limited(MANAGE_RATE)
def cancel(request: HttpRequest, token: str, booking_pk: int) -> HttpResponse:
    household = from_link(household_from_token, token)
    speak_to(request, household)
    booking = get_object_or_404(Booking, pk=booking_pk, household=household)
    was_waiting = booking.status == Booking.Status.WAITLISTED
    try:
        booking_cancel(booking_id=booking.pk)
    except BookingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("You have left the waitlist.")
            if was_waiting
            else _("Your booking is cancelled. Thank you for giving the place to another family."),
        )
    return redirect("bookings:manage", token=manage_token(household=household))


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@rate_limited(MANAGE_RATE)
def cant_come(request: HttpRequest, token: str) -> HttpResponse:
    """The reminder's "we can't come" link. The place goes on one tap of the page's button,
    not on opening the link: mail scanners open links, and must not give places away."""
    booking = from_link(booking_from_cant_come_token, token)
    speak_to(request, booking.household)
    error, done = "", booking.status == Booking.Status.CANCELLED
    if request.method == "POST" and not done:
        try:
            booking_cancel(booking_id=booking.pk)
        except BookingError as exc:
            error = str(exc)
        else:
            done = True
    return render(
        request,
        "bookings/cant_come.html",
        {
            "booking": booking,
            "session": booking.session,
            "branch": booking.session.room.branch,
            "started": booking.session.starts_at <= timezone.now(),
            "done": done,
            "error": error,
            "manage_url": reverse(
                "bookings:manage", args=[manage_token(household=booking.household)]
            ),
        },
        status=400 if error else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@rate_limited(MANAGE_RATE)
def rate(request: HttpRequest, token: str, rating: int) -> HttpResponse:
    """The follow-up's 1–5 links open this page with that number chosen; the rating is
    recorded only when the family sends it (a POST from this page): mail scanners open
    every link in a message, and must not answer for the family."""
    booking = from_link(booking_from_rating_token, token)
    speak_to(request, booking.household)
    error, chosen, saved = "", rating, False
    if rating not in RATINGS:
        error = _("Choose a rating from 1 to 5.")
    elif request.method == "POST":
        try:
            chosen = int(request.POST.get("rating", ""))
            booking_rate(booking=booking, rating=chosen)
        except ValueError:
            error = _("Choose a rating from 1 to 5.")
        except BookingError as exc:
            error = str(exc)
        else:
            saved = True
    return render(
        request,
        "bookings/rated.html",
        {
            "booking": booking,
            "session": booking.session,
            "branch": booking.session.room.branch,
            "error": error,
            "saved": saved,
            "chosen": chosen,
            "ratings": RATINGS,
        },
        status=400 if error else 200,
    )


@csrf_exempt  # RFC 8058: mail programs post here with no form; the signed token is the key
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@rate_limited(MANAGE_RATE)
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    household = from_link(household_from_unsubscribe_token, token)
    speak_to(request, household)
    if request.method == "POST":
        household_stop_invitations(household=household)
    return render(
        request,
        "bookings/unsubscribe.html",
        {
            "household": household,
            "done": not household.consents_to_followups,
            "manage_url": reverse("bookings:manage", args=[manage_token(household=household)]),
        },
    )


PAGE_SIZE = 20


def first_page_with_places(sessions, request: HttpRequest):
    paginator = Paginator(with_places(sessions).order_by("starts_at", "pk"), PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "programmes/home.html",
        # Lazy: the template's cached fragment asks for them only when it has expired.
        {
            "branches": SimpleLazyObject(upcoming_sessions_by_branch),
            "filter": SimpleLazyObject(SessionFilterForm),
        },
    )


def filtered_sessions(form: SessionFilterForm):
    """Upcoming sessions, narrowed by what the filter form asks for (when it is valid)."""
    sessions = upcoming_sessions(now=timezone.now())
    if form.is_valid():
        if form.cleaned_data["branch"]:
            sessions = sessions.filter(room__branch=form.cleaned_data["branch"])
        if form.cleaned_data["date_from"]:
            sessions = sessions_from_date(sessions, day=form.cleaned_data["date_from"])
        if form.cleaned_data["born"]:
            sessions = sessions_for_child_born(sessions, birth_month=form.cleaned_data["born"])
    return sessions


@require_safe
def session_list(request: HttpRequest) -> HttpResponse:
    """Upcoming sessions, filtered by library, date and the child's age."""
    # Lazy, the form and the query too: the template's cached fragment asks for them only
    # when it has expired.
    form = cast(SessionFilterForm, SimpleLazyObject(lambda: SessionFilterForm(request.GET or None)))
    page = SimpleLazyObject(lambda: first_page_with_places(filtered_sessions(form), request))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programmes/session_list.html",
        {"filter": form, "page": page, "query": query.urlencode()},
    )


@require_safe
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = published_programme(slug=slug)
    if programme is None:
        raise Http404
    # Lazy, the query built too: the template's cached fragment asks for it only when it
    # has expired.
    page = SimpleLazyObject(
        lambda: first_page_with_places(
            upcoming_sessions(now=timezone.now()).filter(programme=programme), request
        )
    )
    return render(
        request, "programmes/programme_detail.html", {"programme": programme, "page": page}
    )
