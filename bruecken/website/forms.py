"""Forms of the editorial area (news, pages, images) and the public contact and feedback forms."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bruecken.actors.forms import formfield
from bruecken.events.forms import LocalDateTimeField
from bruecken.markup import content_problems
from bruecken.pickers import PickerField
from bruecken.places.models import Municipality

from .models import IMAGE_MAX_BYTES, ContactMessage, NewsArticle, Page
from .services import NEWS_FIELDS, PAGE_FIELDS

MARKDOWN_HELP = _(
    "Markdown: ## heading, **bold**, *italic*, - list item, [text](https://…) for a link, "
    "![what the picture shows](/…) for an image of this website (see Images)."
)
# The field a person leaves empty because they never see it; form-filling robots fill it in.
HONEYPOT = "website"


def _content_formfield(model_field, **kwargs):
    if model_field.name == "published_at":
        kwargs["form_class"] = LocalDateTimeField
    return formfield(model_field, **kwargs)


class ContentForm(forms.ModelForm):
    """German and English text in Markdown; images only our own and with a text alternative."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("body", "body_en"):
            self.fields[name].widget = forms.Textarea(attrs={"rows": 16})
            self.fields[name].help_text = MARKDOWN_HELP
        self.fields["body_en"].help_text = _(
            "Optional. Where it is empty, the English site shows the German text."
        )
        self.fields["title_en"].help_text = _(
            "Optional. Where it is empty, the English site shows the German title."
        )

    def _clean_markdown(self, name):
        text = self.cleaned_data.get(name, "")
        problems = content_problems(text)
        if problems:
            raise ValidationError(problems)
        return text

    def clean_body(self):
        return self._clean_markdown("body")

    def clean_body_en(self):
        return self._clean_markdown("body_en")


class NewsArticleForm(ContentForm):
    class Meta:
        model = NewsArticle
        formfield_callback = _content_formfield
        # What the service writes.
        fields = NEWS_FIELDS
        field_classes = {
            "image": PickerField.using("images"),
            "municipality": PickerField.using("municipalities"),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["summary_en"].help_text = _("Optional.")
        self.fields["image"].help_text = _(
            "Shown above the article and in the news list. Upload new pictures under Images."
        )
        # The municipalities taking part in a program (and one chosen before, if it left).
        municipality = self.fields["municipality"]
        municipality.queryset = (
            Municipality.objects.filter(
                Q(programs__isnull=False) | Q(pk=self.instance.municipality_id or 0)
            )
            .distinct()
            .order_by("name")
        )


class PageForm(ContentForm):
    class Meta:
        model = Page
        formfield_callback = _content_formfield
        fields = PAGE_FIELDS
        error_messages = {"slug": {"unique": _("Another page has this address already.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].help_text = _(
            "The last part of the page's web address: small letters, digits and hyphens, "
            "e.g. “about-the-program”."
        )
        self.fields["purpose"].help_text = _(
            "The footer links to the imprint, privacy policy, accessibility statement and "
            "plain-language summary; there is one page for each."
        )

    def clean_purpose(self):
        purpose = self.cleaned_data["purpose"]
        if purpose != Page.Purpose.OTHER:
            other = Page.objects.filter(purpose=purpose).exclude(pk=self.instance.pk).first()
            if other:
                raise ValidationError(
                    _("“%(title)s” is the %(purpose)s already; there is one page per purpose."),
                    params={"title": other.title, "purpose": Page.Purpose(purpose).label},
                )
        return purpose


class ImageForm(forms.Form):
    file = forms.FileField(
        label=_("Picture"),
        help_text=_(
            "JPEG, PNG or WebP, at most %(size)s MB. Large pictures are made smaller; position "
            "data and other metadata are removed."
        )
        % {"size": IMAGE_MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    alt = forms.CharField(
        label=_("Text alternative (German)"),
        max_length=300,
        help_text=_("What the picture shows, for people who cannot see it: one or two sentences."),
    )
    alt_en = forms.CharField(label=_("Text alternative (English)"), max_length=300, required=False)
    credit = forms.CharField(
        label=_("Credit"), max_length=200, required=False, help_text=_("Photographer or source.")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMAGE_MAX_BYTES:
            raise ValidationError(
                _("The picture is larger than %(size)s MB."),
                params={"size": IMAGE_MAX_BYTES // (1024 * 1024)},
            )
        return upload


class MessageForm(forms.Form):
    """The contact form. The honeypot field is hidden from people (and from screen readers)."""

    kind = ContactMessage.Kind.CONTACT

    name = forms.CharField(label=_("Your name (optional)"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("So that we can answer you."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Your message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8})
    )
    website = forms.CharField(
        label=_("Please leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def visible_message_fields(self):
        return [field for field in self.visible_fields() if field.name != HONEYPOT]

    def clean_subject(self):
        # One line: it becomes the subject of an e-mail.
        return " ".join(self.cleaned_data["subject"].split())


class FeedbackForm(MessageForm):
    """Feedback on the accessibility of the website (the feedback mechanism of BITV 2.0)."""

    kind = ContactMessage.Kind.ACCESSIBILITY

    page_url = forms.CharField(
        label=_("Which page or part of the website is it about? (optional)"),
        max_length=500,
        required=False,
        help_text=_("For example its address or its title."),
    )
    field_order = ["name", "email", "subject", "page_url", "message", HONEYPOT]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].label = _("What is the barrier you came across?")


def is_spam(data):
    """A filled-in honeypot: answered like a sent message, but nothing is stored or sent."""
    return bool((data.get(HONEYPOT) or "").strip())
