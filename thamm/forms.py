from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    """Renders every form with Bootstrap markup (templates/includes, templates/django/forms)."""

    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"
