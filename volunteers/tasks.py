from celery import shared_task

from volunteers.outreach import plan_volunteer_messages


@shared_task(name="volunteers.plan_messages", ignore_result=True)
def plan_due_messages() -> dict[str, int]:
    """Shift reminders, understaffed shifts, certificate renewals, moved or cancelled
    sessions that are due: written to the outbox and sent."""
    return plan_volunteer_messages()
