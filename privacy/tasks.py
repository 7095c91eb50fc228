from celery import shared_task

from privacy.retention import purge_personal_data


# Batched, each batch committed: a run cut short by the time limit has done whole batches,
# and the next day's run does the rest (see privacy.retention).
@shared_task(
    name="privacy.purge_personal_data", ignore_result=True, soft_time_limit=1800, time_limit=1900
)
def purge_personal_data_task() -> dict[str, int]:
    """Anonymise the personal data that has passed its retention period (daily, by beat)."""
    return purge_personal_data()
