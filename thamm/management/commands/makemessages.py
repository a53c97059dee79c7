"""`makemessages` that also extracts `_l("…")`: the apps import gettext_lazy as `_l` for the
strings of their lifecycles and rules (labels, refusals), which xgettext knows nothing of."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]
