from django import forms
from django.utils.translation import gettext_lazy as _

from bruecken.pickers import PickerMultipleField

from .models import Category, Chapter, Edition, Recommendation, RecommendationStatus
from .services import evidence_choices


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["title", "text", "category", "results", "goals", "workshops"]
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "text": _("What municipalities and migrant organisations should do, and why."),
        }

    def __init__(self, *args, user, program, **kwargs):
        super().__init__(*args, **kwargs)
        choices = evidence_choices(user, program)
        # Results, goals and workshops are many at the program's size: typed and picked.
        self.fields["results"] = PickerMultipleField(
            choices["results"], source="results", required=False, label=_("Results")
        )
        self.fields["goals"] = PickerMultipleField(
            choices["goals"],
            source="rated_goals",
            required=False,
            label=_("Goals and their ratings"),
        )
        self.fields["workshops"] = PickerMultipleField(
            choices["workshops"], source="workshops", required=False, label=_("Workshops")
        )
        self.fields["category"].queryset = Category.objects.order_by("position", "name")


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (RecommendationStatus.ACCEPTED, _("Accept")),
            (RecommendationStatus.REJECTED, _("Reject")),
            (RecommendationStatus.DRAFT, _("Return to the author for changes")),
        ],
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when rejecting or returning: the author reads it."),
    )


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "name_en", "position"]


class EditionForm(forms.ModelForm):
    class Meta:
        model = Edition
        fields = ["title", "foreword", "language"]
        widgets = {"foreword": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"foreword": _("Markdown.")}


class NewEditionForm(EditionForm):
    class Meta(EditionForm.Meta):
        fields = ["program", "title", "foreword", "language"]


class ChapterForm(forms.ModelForm):
    class Meta:
        model = Chapter
        fields = ["kind", "title", "text", "with_figures"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}


class CompareForm(forms.Form):
    a = forms.ModelChoiceField(Edition.objects.none(), label=_("Older edition"))
    b = forms.ModelChoiceField(Edition.objects.none(), label=_("Newer edition"))

    def __init__(self, *args, editions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["a"].queryset = editions
        self.fields["b"].queryset = editions
