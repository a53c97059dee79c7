"""A real task through a real Redis broker to a real worker process (skipped without REDIS_URL)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from thamm import celery_app
from thamm.tasks import ping

needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="REDIS_URL is not set: no broker to send a task through (CI sets it)",
)


@pytest.fixture
def worker_queue():
    queue = f"thamm-test-{uuid.uuid4().hex[:8]}"
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="thamm.settings.base")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "thamm",
            "worker",
            "--pool=solo",
            f"--queues={queue}",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=Path(settings.BASE_DIR),
        env=env,
    )
    yield queue
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@needs_redis
def test_a_worker_runs_a_task_sent_through_redis(worker_queue):
    assert celery_app.conf.broker_url.startswith("redis://")
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        value = uuid.uuid4().hex
        result = ping.apply_async(kwargs={"value": value}, queue=worker_queue)
        assert result.get(timeout=60) == f"pong:{value}"
    finally:
        celery_app.conf.task_always_eager = previous


def test_task_settings_are_json_only_with_time_limits():
    conf = celery_app.conf
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert conf.task_time_limit and conf.task_soft_time_limit < conf.task_time_limit
    assert conf.task_acks_late is True


def test_every_beat_entry_names_a_registered_task():
    from django.conf import settings

    from thamm.celery import app

    app.loader.import_default_modules()
    assert settings.CELERY_BEAT_SCHEDULE, "the beat schedule is empty"
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, (name, entry["task"])
