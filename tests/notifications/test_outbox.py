import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from notifications import services
from notifications.models import Outbox
from notifications.sending import MAX_ATTEMPTS, outbox_send_due
from notifications.services import Message, notify

pytestmark = pytest.mark.django_db

FAILING_BACKEND = "tests.notifications.failing_backend.EmailBackend"


def write(key="confirmation:booking:1", **kwargs):
    return notify(
        Message(
            key=key,
            kind="booking_waitlisted",
            recipient="anna@example.com",
            language="en",
            context={
                "household": {"name": "Anna"},
                "programme": {"name": "Babydans"},
                "position": 2,
                "manage_url": "http://x/manage/t/",
                "branch": {"name": "Sandvika", "time_zone": "Europe/Oslo"},
                "session": {
                    "starts_at": datetime(2026, 6, 3, 9, tzinfo=UTC),
                    "ends_at": datetime(2026, 6, 3, 10, tzinfo=UTC),
                    "room": {"name": "Luftslottet"},
                },
            },
            **kwargs,
        )
    )


def test_a_reason_is_written_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = write()
        second = write()

    assert first.pk == second.pk
    assert Outbox.objects.count() == 1
    assert len(mail.outbox) == 1


def test_message_is_sent_after_commit_and_marked_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = write()
    assert len(mail.outbox) == 0  # nothing leaves before the transaction commits
    assert len(callbacks) == 1

    callbacks[0]()

    message.refresh_from_db()
    assert message.status == Outbox.Status.SENT
    assert message.sent_at is not None
    assert mail.outbox[0].subject == "You are on the waitlist for Babydans"
    assert "number 2 in line" in mail.outbox[0].body


def test_a_refused_message_is_retried_later_then_marked_failed():
    message = write()
    now = timezone.now()

    with override_settings(EMAIL_BACKEND=FAILING_BACKEND):
        assert outbox_send_due(now=now) == 0
    message.refresh_from_db()
    assert message.status == Outbox.Status.PENDING
    assert message.attempts == 1
    assert "SMTP says no" in message.last_error
    assert message.next_attempt_at > now

    with override_settings(EMAIL_BACKEND=FAILING_BACKEND):
        for attempt in range(2, MAX_ATTEMPTS + 1):
            outbox_send_due(now=timezone.now() + timedelta(days=attempt))
    message.refresh_from_db()
    assert message.status == Outbox.Status.FAILED
    assert message.attempts == MAX_ATTEMPTS


def test_a_sent_message_is_never_sent_again():
    write()
    outbox_send_due()

    assert outbox_send_due(now=timezone.now() + timedelta(days=1)) == 0
    assert len(mail.outbox) == 1


def test_sweep_sends_rows_whose_dispatch_was_lost():
    """A row written while the broker was down is picked up by the periodic sweep."""
    write()  # its on-commit dispatch never runs in this test

    assert outbox_send_due() == 1
    assert mail.outbox[0].to == ["anna@example.com"]


class WorkerKilled(BaseException):
    """Stands for the process dying: not an Exception, nothing catches it."""


def test_a_sender_dying_mid_batch_does_not_resend_what_it_already_sent(monkeypatch):
    first = write(key="a")
    second = write(key="b")
    from notifications.channels import EmailChannel

    real_send = EmailChannel._send
    calls = []

    def send_then_die(self, message, connection):
        calls.append(message.pk)
        if len(calls) == 2:
            raise WorkerKilled
        return real_send(self, message, connection)

    monkeypatch.setattr(EmailChannel, "_send", send_then_die)
    with pytest.raises(WorkerKilled):
        outbox_send_due()
    monkeypatch.setattr(EmailChannel, "_send", real_send)

    first.refresh_from_db()
    assert first.status == Outbox.Status.SENT  # recorded the moment it was accepted
    # After the lease the sweep sends only what was not sent.
    assert outbox_send_due(now=timezone.now() + timedelta(minutes=10)) == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.com", "anna@example.com"]
    second.refresh_from_db()
    assert second.status == Outbox.Status.SENT


def test_a_message_that_keeps_killing_its_sender_is_given_up():
    message = write()
    Outbox.objects.filter(pk=message.pk).update(status=Outbox.Status.SENDING, attempts=MAX_ATTEMPTS)

    assert outbox_send_due(now=timezone.now() + timedelta(minutes=10)) == 0

    message.refresh_from_db()
    assert message.status == Outbox.Status.FAILED


def test_a_superuser_retries_a_failed_message_from_the_admin(
    client, django_user_model, django_capture_on_commit_callbacks
):
    message = write()
    Outbox.objects.filter(pk=message.pk).update(
        status=Outbox.Status.FAILED, attempts=MAX_ATTEMPTS, last_error="SMTP says no"
    )
    client.force_login(django_user_model.objects.create_superuser("root", "r@x.invalid", "pw"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/notifications/outbox/",
            {"action": "retry", "_selected_action": [message.pk]},
            follow=True,
        )

    message.refresh_from_db()
    assert "1 message will be sent again." in response.content.decode()
    assert message.status == Outbox.Status.SENT
    assert [m.to for m in mail.outbox] == [["anna@example.com"]]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_writers_racing_on_one_reason_write_it_once(monkeypatch):
    """Both writers find no row and render; the second insert meets the first's row and
    hands it back instead of failing, so the caller's transaction goes on."""
    both_rendered = threading.Barrier(2)
    render = services.Message.row

    def render_then_wait(message):
        row = render(message)
        both_rendered.wait(timeout=10)
        return row

    monkeypatch.setattr(services.Message, "row", render_then_wait)
    written: list[object] = [None, None]

    def writer(i: int) -> None:
        try:
            with transaction.atomic():
                written[i] = write().pk
        except Exception as exc:  # noqa: BLE001 — asserted below
            written[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert written[0] == written[1] == Outbox.objects.get().pk
