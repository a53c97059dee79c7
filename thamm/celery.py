"""The Celery app: settings from Django's (CELERY_* names), tasks from each app's tasks.py.

Queues: `default`, `reports`, `dossiers` (see docker-compose.yml). Without REDIS_URL tasks run
in-process (CELERY_TASK_ALWAYS_EAGER), which is what `make run` gives a newcomer.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thamm.settings.base")

app = Celery("thamm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
