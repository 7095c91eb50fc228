import logging

from celery import shared_task
from django.utils import timezone

from privacy.new_links import new_links_send

logger = logging.getLogger(__name__)


@shared_task(name="privacy.send_new_links", ignore_result=True)
def send_new_links(email: str) -> int:
    return new_links_send(email=email, now=timezone.now())


def new_links_request(*, email: str) -> None:
    """ "Send me a new link", answered by a worker: the page answers as fast for an address
    we do not know as for one we do. With no broker reachable it is done at once (the
    request is not lost; only then can the timing differ)."""
    try:
        send_new_links.delay(email)
    except Exception:  # the broker is down
        logger.warning("Could not hand a new-link request to Celery; answering it in place")
        send_new_links(email)
