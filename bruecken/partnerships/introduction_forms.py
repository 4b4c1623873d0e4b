"""The form that proposes an introduction: for a partnership (the first side is its carrying
organisation) or between two organisations, each chosen with the type-ahead picker."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bruecken.actors.models import Organisation
from bruecken.pickers import PickerField

MESSAGE_MAX_LENGTH = 2000


class ProposeForm(forms.Form):
    first = PickerField(
        Organisation.objects.none(),
        # Only what `introductions.propose` accepts as the first side, in the search too.
        source="introduction_first",
        label=_("Organisation"),
        help_text=_("An organisation of your municipality."),
    )
    second = PickerField(
        Organisation.objects.none(),
        source="organisations",
        label=_("Introduce to"),
    )
    message = forms.CharField(
        label=_("Personal message"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Quoted in both e-mails below the reasons, as you write it (both sides read it)."
        ),
    )

    def __init__(self, *args, user, partnership=None, **kwargs):
        super().__init__(*args, **kwargs)
        visible = Organisation.objects.visible_to(user).select_related("municipality")
        self.fields["second"].queryset = visible
        if partnership is not None:
            # The first side is the partnership's carrying organisation, not a choice.
            del self.fields["first"]
            self.fields["second"].queryset = visible.exclude(
                carried_partnerships__partnership=partnership
            )
        else:
            self.fields["first"].limit_to(user)
