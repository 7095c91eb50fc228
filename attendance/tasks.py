from celery import shared_task

from attendance.outreach import plan_attendance_messages


@shared_task(name="attendance.plan_messages", ignore_result=True)
def plan_due_attendance_messages() -> dict[str, int]:
    """Follow-ups after sessions whose attendance was recorded."""
    return plan_attendance_messages()
