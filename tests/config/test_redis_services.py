"""In services mode the cache and the Celery broker are the real Redis of REDIS_URL."""

import uuid

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from config import celery_app

pytestmark = pytest.mark.redis


@pytest.fixture
def raw_redis():
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield client
    client.close()


def test_cache_round_trips_through_redis(raw_redis):
    key = f"test-{uuid.uuid4()}"
    cache.set(key, {"places_left": 3}, timeout=30)

    assert cache.get(key) == {"places_left": 3}
    assert any(key in k.decode() for k in raw_redis.keys(f"*{key}*"))
    cache.delete(key)


def test_celery_publishes_tasks_to_the_redis_broker(raw_redis):
    queue = f"test-{uuid.uuid4()}"
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    # The suite runs tasks in-process; this test wants the real broker path back.
    celery_app.conf.task_always_eager = False
    try:
        celery_app.send_task("familieliv.probe", queue=queue)
        assert raw_redis.llen(queue) == 1
    finally:
        celery_app.conf.task_always_eager = True
        raw_redis.delete(queue)
