"""/healthz is probed every few seconds by the load balancer: it must stay cheap."""

from unittest import mock

import pytest
from django.test import Client


class FakeRedis:
    made = 0

    def __init__(self):
        FakeRedis.made += 1

    @classmethod
    def from_url(cls, url, **kwargs):
        return cls()

    def ping(self):
        return True


@pytest.mark.django_db
def test_healthz_reuses_one_redis_client_per_process(settings):
    settings.REDIS_URL = "redis://127.0.0.1:6390/9"  # a URL no other test uses
    FakeRedis.made = 0
    with mock.patch("redis.Redis", FakeRedis):
        first = Client().get("/healthz")
        second = Client().get("/healthz")
    assert first.json()["redis"] == second.json()["redis"] == "ok"
    assert FakeRedis.made == 1
