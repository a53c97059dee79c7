from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    """Renders every form with Bootstrap markup (templates/includes, templates/django/forms)."""

    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"


def call_service(form, service, **kwargs):
    """Run a service for a valid form; put its refusal next to the fields it names.

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
        form.add_error(None, exc.message)
    return None
