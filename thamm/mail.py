"""Templated e-mail in the recipient's language (subject and text body from templates)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_mail(*, to: str, template_prefix: str, context: dict, language: str) -> None:
    """Render `<prefix>_subject.txt` and `<prefix>_body.txt` in `language` and send them."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        body = render_to_string(f"{template_prefix}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
