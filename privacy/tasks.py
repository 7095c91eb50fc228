import logging

from celery import shared_task
from django.utils import timezone

from privacy.new_links import new_links_send
from privacy.retention import purge_personal_data

logger = logging.getLogger(__name__)


# Batched, each batch committed: a run cut short by the time limit has done whole batches,
# and the next day's run does the rest (see privacy.retention).
@shared_task(
    name="privacy.purge_personal_data", ignore_result=True, soft_time_limit=1800, time_limit=1900
)
def purge_personal_data_task() -> dict[str, int]:
    """Anonymise the personal data that has passed its retention period (daily, by beat)."""
    return purge_personal_data()


@shared_task(name="privacy.send_new_links", ignore_result=True)
def send_new_links(email: str) -> int:
    return new_links_send(email=email, now=timezone.now())


def new_links_request(*, email: str) -> None:
    """“Send me a new link”, answered by a worker: the page answers as fast for an address
    we do not know as for one we do. With no broker reachable it is done at once (the
    request is not lost; only then can the timing differ)."""
    try:
        send_new_links.delay(email)
    except Exception:  # the broker is down
        logger.warning("Could not hand a new-link request to Celery; answering it in place")
        send_new_links(email)
