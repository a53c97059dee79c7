from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    """Renders every form with Bootstrap markup (templates/includes, templates/django/forms)."""

    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"


def call_service(form, service, *, error_field: str | None = None, **kwargs):
    """Run a service for a valid form; put its refusal next to the fields it names (a
    DomainError next to `error_field`, or above the form).

    Returns the service's result, or None when it refused (the form then carries the errors).
    """
    from django.core.exceptions import ValidationError

    from .exceptions import DomainError

    try:
        return service(**kwargs)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
    except DomainError as exc:
        form.add_error(error_field, exc.message)
    return None


def run_action(request, service, *, success="", **kwargs):
    """Run the service a button asked for: its refusal becomes an error message on the next
    page; otherwise `success` (a message, or a function of the result that gives one) is shown.
    Returns the service's result, or None when it refused."""
    from django.contrib import messages

    from .exceptions import DomainError

    try:
        result = service(**kwargs)
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    message = success(result) if callable(success) else success
    if message:
        messages.success(request, message)
    return result
