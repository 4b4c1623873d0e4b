"""The one type-ahead picker for every choice among many (organisations, people, municipalities,
countries, languages, goals, results): a registry of sources each app fills in its
AppConfig.ready, the search view that serves them all, and the form fields.

A source names what a user may choose from (`objects(user)`: the model-level query such as
`visible_to`), how typed text narrows it (`search`), and how a row is shown (`label`, `hint`).
The view answers at most LIMIT rows as JSON; the fields take the submitted ids and validate them
against their queryset, so an id from outside the user's scope is a form error, never a lookup.
Without JavaScript the widget (bruecken/widgets.py) offers a search step instead: the typed text
is posted, the form comes back with the matches as radio buttons or checkboxes."""

import base64
import pickle
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.urls import path
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from bruecken import fulltext
from bruecken.translation import collation_key
from bruecken.widgets import Picker, SearchedList, SearchedText

# Rows one search answers; more means "type more".
LIMIT = 20
# Typed text beyond this is cut: no name is that long, and the query stays cheap.
MAX_QUERY_LENGTH = 100
# Ids one many-to-many field takes in one submission.
MAX_CHOSEN = 500
WORDS = 6
# A form's narrower scope travels to the search view signed, for a day.
SCOPE_SALT = "bruecken.pickers.scope"
SCOPE_MAX_AGE = 24 * 3600


@dataclass(frozen=True)
class Source:
    name: str
    model: Any
    objects: Callable  # user -> QuerySet of what they may choose from
    search: Callable  # (QuerySet, text) -> QuerySet of the matches, best first
    label: Callable = str
    hint: Callable = field(default=lambda obj: "")
    related: tuple = ()  # select_related for label and hint
    keys: tuple = ("pk",)  # the fields a picker may submit instead of the id (e.g. "code")

    def rows(self, queryset):
        return queryset.select_related(*self.related) if self.related else queryset

    def item(self, obj, key="pk"):
        return {"value": str(getattr(obj, key)), "label": self.label(obj), "hint": self.hint(obj)}


SOURCES = {}
# A field's `offered`: what its source offers (see PickerMixin.offered).
SOURCE_ROWS = object()


def register(name, *, model, objects, search, label=str, hint=None, related=(), keys=("pk",)):
    SOURCES[name] = Source(
        name, model, objects, search, label, hint or (lambda obj: ""), tuple(related), keys
    )


def register_part(name, *, of, objects):
    """A source offering part of the rows of the source `of` (registered before), searched,
    shown and keyed alike: a field that accepts more than its search offers names it
    (`offered = SOURCE_ROWS`) instead of signing its narrower queryset into every page."""
    SOURCES[name] = replace(SOURCES[of], name=name, objects=objects)


def source(name):
    return SOURCES[name]


def clean_text(text):
    """Typed text as searched: no NUL (PostgreSQL refuses it), spacing tidied, cut short."""
    text = (text or "").replace("\x00", "")[:MAX_QUERY_LENGTH]
    return " ".join(text.split())


def words(text):
    return clean_text(text).split()[:WORDS]


def matches(src, queryset, text, limit=LIMIT):
    """The first `limit` rows of `queryset` matching `text`, and whether there are more."""
    text = clean_text(text)
    if not text:
        return [], False
    rows = fulltext.head(src.rows(src.search(queryset, text)), limit + 1)
    return rows[:limit], len(rows) > limit


# Searches the sources share: every word in one of the fields.


def search_fields(*fields, fold=str.casefold, lookup="icontains"):
    def search(queryset, text):
        for word in words(text):
            condition = Q()
            for name in fields:
                condition |= Q(**{f"{name}__{lookup}": fold(word)})
            queryset = queryset.filter(condition)
        return queryset

    return search


def search_folded(field_name):
    """Words folded as the stored key is (umlauts, case, accents aside), each contained in it."""

    def search(queryset, text):
        keys = [key for key in (collation_key(word) for word in words(text)) if key]
        if not keys:
            # Only signs that fold to nothing (a control character, an emoji): no match.
            return queryset.none()
        for key in keys:
            queryset = queryset.filter(**{f"{field_name}__contains": key})
        return queryset

    return search


def scope_token(queryset):
    """The form's queryset (say, the organisations of the event's municipality), signed: the
    search view offers what the field will accept, not merely what the user may see."""
    data = zlib.compress(pickle.dumps(queryset.query))
    return signing.TimestampSigner(salt=SCOPE_SALT).sign(base64.urlsafe_b64encode(data).decode())


def scoped(src, request):
    """What the user may choose from (the source's rule), narrowed to a form's signed scope
    when one comes with the request. The rule always applies: a scope signed for another user
    shows nothing they may not see."""
    allowed = src.objects(request.user)
    token = request.GET.get("scope", "")
    if not token or len(token) > 20_000:
        return allowed
    try:
        data = signing.TimestampSigner(salt=SCOPE_SALT).unsign(token, max_age=SCOPE_MAX_AGE)
        query = pickle.loads(zlib.decompress(base64.urlsafe_b64decode(data)))  # noqa: S301 (signed by us)
    except (signing.BadSignature, ValueError, zlib.error, pickle.UnpicklingError):
        return allowed
    if getattr(query, "model", None) is not src.model:
        return allowed
    narrowed = src.model._default_manager.all()
    narrowed.query = query
    return allowed.filter(pk__in=narrowed.order_by().values("pk"))


@require_GET
def search_view(request, name):
    """The matches for `q` among what the user may choose from: JSON, at most LIMIT rows."""
    src = SOURCES.get(name)
    if src is None:
        raise Http404
    key = request.GET.get("key", "pk")
    if key not in src.keys:
        key = "pk"
    rows, more = matches(src, scoped(src, request), request.GET.get("q", ""))
    response = JsonResponse({"results": [src.item(obj, key) for obj in rows], "more": more})
    # What a user may see differs by user: never from a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [path("<slug:name>/", search_view, name="picker")]


class PickerMixin:
    """What both fields share: the source named by `source` (or by the class, see `using`),
    the widget wired to it, and the search step of the form without JavaScript."""

    source_name = None
    multiple = False
    # A form may name its rows otherwise (e.g. an organisation the user may not see).
    item_of = None
    # What the search offers, where narrower than what validates (`queryset`): a queryset,
    # signed into the search's address, or SOURCE_ROWS: the rows of the field's source as
    # anyone may choose them (the directory offers the countries that occur, takes any).
    offered = None

    def __init__(self, queryset=None, *, source=None, **kwargs):
        self.source_name = source or self.source_name
        src = SOURCES[self.source_name]
        kwargs.setdefault("widget", Picker)
        if queryset is None:
            queryset = src.model.objects.none()
        super().__init__(queryset, **kwargs)
        self._wire()

    @classmethod
    def using(cls, source_name):
        """This field class for one source: for a model form's `field_classes`."""
        return type(cls.__name__, (cls,), {"source_name": source_name})

    def _wire(self):
        self.widget.picker = self
        self.widget.multiple = self.multiple

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._wire()
        return result

    @property
    def source(self):
        return SOURCES[self.source_name]

    @property
    def key(self):
        # A foreign key's form field names the primary key by its name ("id"): the same.
        name = self.to_field_name
        return "pk" if name in (None, self.queryset.model._meta.pk.name) else name

    def url_query(self):
        """The search view's parameters: the key to submit, and the field's own scope where it
        is narrower than the source's."""
        params = {}
        if self.key != "pk":
            params["key"] = self.key
        if self.offered is not SOURCE_ROWS:
            offered = self._offered()
            if offered.query.where:
                params["scope"] = scope_token(offered)
        return urlencode(params)

    def _offered(self):
        if self.offered is SOURCE_ROWS:
            from django.contrib.auth.models import AnonymousUser

            return self.source.objects(AnonymousUser())
        return self.queryset if self.offered is None else self.offered

    def limit_to(self, user):
        """Offer what `user` may choose from: the source's own scope."""
        self.queryset = self.source.objects(user)
        return self

    def chosen(self, values):
        """The rows named by `values` (ids, keys or rows), in that order, as the widget's items."""
        keys = []
        for value in values:
            if isinstance(value, self.queryset.model):
                value = getattr(value, self.key)
            text = str(value) if value is not None else ""
            if text and len(text) <= MAX_QUERY_LENGTH and "\x00" not in text:
                keys.append(text)
        if not keys:
            return []
        try:
            rows = list(self.source.rows(self.queryset.filter(**{f"{self.key}__in": keys})))
        except (ValueError, TypeError, ValidationError):
            return []
        by_key = {str(getattr(obj, self.key)): obj for obj in rows}
        return [self.item(by_key[k]) for k in dict.fromkeys(keys) if k in by_key]

    def item(self, obj):
        if self.item_of is not None:
            return {"value": str(getattr(obj, self.key)), "hint": "", **self.item_of(obj)}
        return self.source.item(obj, self.key)

    def matches(self, text):
        rows, more = matches(self.source, self._offered(), text)
        return [self.item(obj) for obj in rows], more

    def prepare_value(self, value):
        # Keep the typed text with the posted ids: the widget shows the search step from it.
        if isinstance(value, (SearchedText, SearchedList)):
            return value
        return super().prepare_value(value)

    def search_error(self, value):
        text = clean_text(getattr(value, "search", ""))
        if text:
            raise ValidationError(
                _("Choose one of the matches for “%(text)s” below, then send the form again."),
                code="search",
                params={"text": text},
            )


class PickerField(PickerMixin, forms.ModelChoiceField):
    """One row chosen by typing: the posted id must lie in `queryset`."""

    def __init__(self, queryset=None, **kwargs):
        kwargs.setdefault("empty_label", None)
        super().__init__(queryset, **kwargs)

    def to_python(self, value):
        if isinstance(value, str) and (len(value) > MAX_QUERY_LENGTH or "\x00" in value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

    def clean(self, value):
        self.search_error(value)
        return super().clean(value)


class PickerMultipleField(PickerMixin, forms.ModelMultipleChoiceField):
    """Several rows chosen by typing (a many-to-many field): each posted id must lie in
    `queryset`."""

    multiple = True

    def clean(self, value):
        self.search_error(value)
        if isinstance(value, (list, tuple)):
            if len(value) > MAX_CHOSEN:
                raise ValidationError(
                    _("Choose at most %(count)s."), code="too_many", params={"count": MAX_CHOSEN}
                )
            for item in value:
                if isinstance(item, str) and (len(item) > MAX_QUERY_LENGTH or "\x00" in item):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": item[:20]},
                    )
        return super().clean(value)
