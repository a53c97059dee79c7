from django import forms
from django.utils.translation import gettext_lazy as _

from thamm.scheme import italian_provinces

from .models import ProductionUnit


class UnitForm(forms.ModelForm):
    province = forms.ChoiceField(label=_("Province"))

    class Meta:
        model = ProductionUnit
        fields = ["address", "comune", "province"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", "---------")] + [
            (code, f"{name} ({code.removeprefix('IT-')})") for code, name, _r in italian_provinces()
        ]
