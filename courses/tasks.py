from celery import shared_task

from courses.outreach import plan_course_messages


@shared_task(name="courses.plan_messages", ignore_result=True)
def plan_due_course_messages() -> dict[str, int]:
    """Course completions and end-of-course invitations that are due."""
    return plan_course_messages()
