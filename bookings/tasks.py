from celery import shared_task

from bookings.outreach import plan_messages


@shared_task(name="bookings.plan_messages", ignore_result=True)
def plan_due_messages() -> dict[str, int]:
    """Reminders, follow-ups and invitations that are due: written to the outbox and sent."""
    return plan_messages()
