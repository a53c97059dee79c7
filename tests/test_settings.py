"""Settings, deployment checks and the production stack description."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "SECRET_KEY": "x7!kq2@production-like-secret-key-with-enough-entropy-0123456789abcdef",
    "ALLOWED_HOSTS": "portal.example.org",
    "DATABASE_URL": "sqlite:////tmp/thamm-deploy-check.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://user:pw@smtp.example.org:587",
}


def _manage(*args, env_overrides):
    # Only what a production host would have: no test-only switches (the browser tests set one).
    skip = set(PRODUCTION_ENV) | {"DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "thamm.settings.production"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warning():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("variable", ["SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL", "EMAIL_URL"])
def test_production_refuses_to_start_without_a_required_variable(variable):
    env = dict(PRODUCTION_ENV)
    del env[variable]
    result = _manage("check", env_overrides=env)
    assert result.returncode != 0
    assert variable in result.stderr


def test_redis_url_makes_redis_the_cache_and_the_broker(monkeypatch):
    """The base settings wire REDIS_URL into the cache (rate limits) and Celery."""
    monkeypatch.setenv("REDIS_URL", "redis://example:6379/3")
    path = ROOT / "thamm/settings/base.py"
    namespace: dict = {"__file__": str(path)}
    source = path.read_text()
    exec(compile(source, "base.py", "exec"), namespace)  # noqa: S102 — our own settings file
    assert namespace["CACHES"]["default"]["BACKEND"].endswith("RedisCache")
    assert namespace["CACHES"]["default"]["LOCATION"] == "redis://example:6379/3"
    assert namespace["CELERY_BROKER_URL"] == "redis://example:6379/3"
    assert namespace["CELERY_TASK_ALWAYS_EAGER"] is False
    monkeypatch.delenv("REDIS_URL")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    namespace = {"__file__": str(path)}
    exec(compile(source, "base.py", "exec"), namespace)  # noqa: S102
    assert namespace["CELERY_TASK_ALWAYS_EAGER"] is True
    assert namespace["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"


def _base_settings(monkeypatch, **env) -> dict:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    path = ROOT / "thamm/settings/base.py"
    namespace: dict = {"__file__": str(path)}
    exec(compile(path.read_text(), "base.py", "exec"), namespace)  # noqa: S102 — our own file
    return namespace


def test_postgresql_statements_are_prepared_unless_turned_off(monkeypatch):
    """Planned once per connection, not on every request; a pooler in transaction mode needs
    them off."""
    url = "postgres://thamm@db:5432/thamm"
    options = _base_settings(monkeypatch, DATABASE_URL=url)["DATABASES"]["default"]["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5
    assert options["options"] == "-c jit=off"
    off = _base_settings(monkeypatch, DATABASE_URL=url, DATABASE_PREPARE_THRESHOLD="")
    assert "prepare_threshold" not in off["DATABASES"]["default"]["OPTIONS"]
    assert "server_side_binding" not in off["DATABASES"]["default"]["OPTIONS"]


# --- docker-compose.yml ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _env_file() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def test_compose_has_the_production_services(compose):
    assert set(compose["services"]) == {"migrate", "web", "worker", "beat", "db", "redis"}
    for name in ("web", "worker", "db", "redis"):
        assert "healthcheck" in compose["services"][name], name
    assert int(compose["services"]["db"]["image"].split(":")[1]) >= 15
    assert compose["services"]["redis"]["image"].split(":")[1].startswith("7")


def test_compose_commands_match_the_code(compose):
    from thamm import celery as celery_module

    services = compose["services"]
    assert services["web"]["command"].startswith("gunicorn thamm.wsgi:application")
    assert settings.WSGI_APPLICATION == "thamm.wsgi.application"
    assert services["migrate"]["command"] == "python manage.py migrate --noinput"
    for name in ("web", "worker", "beat"):
        after = services[name]["depends_on"]["migrate"]["condition"]
        assert after == "service_completed_successfully", name
    # gunicorn is reachable from this host's TLS proxy only (the app trusts X-Forwarded-Proto).
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]
    worker = services["worker"]["command"]
    assert worker.startswith("celery -A thamm worker")
    queues = set(re.search(r"--queues=(\S+)", worker).group(1).split(","))
    assert settings.CELERY_TASK_DEFAULT_QUEUE in queues
    assert {"default", "reports", "dossiers"} <= queues
    assert services["beat"]["command"].startswith("celery -A thamm beat")
    assert celery_module.app.main == "thamm"
    for name in ("migrate", "web", "worker", "beat"):
        assert services[name]["environment"]["DJANGO_SETTINGS_MODULE"] == (
            "thamm.settings.production"
        )
        assert services[name]["env_file"] == ".env"


def test_env_example_names_every_variable_production_requires(compose):
    values = _env_file()
    production = (ROOT / "thamm/settings/production.py").read_text()
    base = (ROOT / "thamm/settings/base.py").read_text()
    required = set(re.findall(r'env(?:\.list)?\("([A-Z_]+)"\)', production))
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL"} <= required
    for name in required | {"DATABASE_URL", "EMAIL_URL"}:
        assert name in values, name
        assert name in base or name in production, name
    # The URLs point at the compose services by name.
    assert "@db:5432/" in values["DATABASE_URL"]
    assert values["REDIS_URL"].startswith("redis://redis:6379")
    db_env = values["POSTGRES_USER"], values["POSTGRES_PASSWORD"], values["POSTGRES_DB"]
    assert values["DATABASE_URL"] == "postgres://{}:{}@db:5432/{}".format(*db_env)
    assert "localhost" in values["ALLOWED_HOSTS"].split(",")  # the web healthcheck's host


def test_dockerfile_serves_the_wsgi_app_with_gunicorn():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "gunicorn" in dockerfile and "thamm.wsgi:application" in dockerfile
    assert "ENV PYTHONDONTWRITEBYTECODE=1" in dockerfile
    assert "DJANGO_SETTINGS_MODULE=thamm.settings.production" in dockerfile


def test_dockerfile_build_steps_run_with_only_the_build_variables(tmp_path):
    """Run the image's translation and static steps as its build does (Docker can't run here)."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    step = re.search(r"RUN export (.+?)\\\n\s+(EMAIL_URL=\S+)", dockerfile)
    assignments = (step.group(1) + " " + step.group(2)).split()
    build_env = dict(a.split("=", 1) for a in assignments)
    assert set(build_env) == {"SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL", "EMAIL_URL"}
    env = {"PATH": os.environ["PATH"], "STATIC_ROOT": str(tmp_path / "static"), **build_env}
    env["DJANGO_SETTINGS_MODULE"] = "thamm.settings.production"
    for command in (["compile_translations"], ["collectstatic", "--noinput"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "bootstrap/css/bootstrap.rtl.min.css" in manifest


def test_dockerignore_keeps_secrets_and_local_data_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for name in (".env", ".venv", "db.sqlite3", "media", "node_modules", ".git"):
        assert name in ignored, name
