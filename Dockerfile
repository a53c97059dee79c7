# The portal's image: the same for web (gunicorn), Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=thamm.settings.production \
    PIP_NO_CACHE_DIR=1

# WeasyPrint (PDF reports and dossiers) needs Pango, and DejaVu Sans for Latin and Arabic names
# (thamm/pdf.py); curl serves the healthchecks.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       fonts-dejavu-core tesseract-ocr curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 thamm

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install .
COPY . .
# Build-time only values: the production settings refuse to load without them; nothing connects.
RUN export SECRET_KEY=build-only ALLOWED_HOSTS=localhost REDIS_URL=redis://localhost:6379/0 \
       EMAIL_URL=consolemail:// \
    && python manage.py compile_translations \
    && python manage.py collectstatic --noinput \
    && mkdir -p /app/media && chown -R thamm:thamm /app/media

USER thamm
EXPOSE 8000
CMD ["gunicorn", "thamm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
