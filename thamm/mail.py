"""Templated messages in the recipient's language (subject and text body from templates): the
one renderer of e-mails and notifications (thamm.notifications)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def render_message(template: str, context: dict, *, language: str) -> tuple[str, str]:
    """`<template>_subject.txt` on one line and `<template>_body.txt`, in `language`."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context).strip()
    return subject, body


def send_templated_mail(*, to: str, template_prefix: str, context: dict, language: str) -> None:
    """Render a message in `language` and e-mail it to `to` (someone with no account yet)."""
    subject, body = render_message(template_prefix, context, language=language)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
