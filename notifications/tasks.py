from celery import shared_task

from notifications.sending import outbox_send_due


@shared_task(name="notifications.send_outbox", ignore_result=True)
def send_outbox(outbox_ids: list[int] | None = None) -> int:
    return outbox_send_due(ids=outbox_ids)


@shared_task(name="notifications.sweep_outbox", ignore_result=True)
def sweep_outbox() -> int:
    """Send whatever is due: rows written while the broker was down, and retries."""
    return outbox_send_due()
