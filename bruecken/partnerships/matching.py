"""Which organisations could carry a partnership abroad, and why: one published rule.

**Who is suggested.** Migrant organisations only, and only those the reader may see
(`Organisation.objects.visible_to`). For a partnership, an organisation of another municipality
is suggested only if it consented to publication (`Organisation.objects.public()`): matching never
reveals an organisation beyond its own municipality otherwise. An organisation is a candidate
when it is engaged in a country of the partnership country's world region, or speaks one of the
partnership's working languages. Ended partnerships get no suggestions; dormant ones do (they
are the ones to revive).

**The score** (0–100) adds up, with the weights in `WEIGHTS`:

- engaged in the partnership's country: `country`; else in a country of the same UN sub-region:
  `subregion`; else of the same world region: `region`;
- each working language of the partnership it speaks: `language` (at most `max_languages`;
  German, which every organisation here speaks, does not count);
- each topic of the partnership it works on: `topic` (at most `max_topics`);
- each form of engagement the partnership seeks that it practises: `engagement_form` (at most
  `max_engagement_forms`);
- each word of the partnership's topics, partner name and note found in its competences
  (case, umlauts and accents aside; words of four letters or more): `competence` (at most
  `max_competences`).

**The order.** Reach comes before the score: first the organisations of the partnership's
municipality, then those of the same federal state, then those nationwide; within each, the
higher score first, then by name. A local organisation is the one that can meet the town hall.
(It also keeps a page cheap: the wider reaches are read only when the nearer ones do not fill
it.)

The reasons name these facts, in German and English, with what each side gains."""

import logging
import re
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.translation import gettext, override

from bruecken.actors.models import EngagementForm, Organisation, OrganisationKind, Topic
from bruecken.places.models import Country, Language, Partnership, PartnershipStatus
from bruecken.translation import collation_key, is_english

logger = logging.getLogger(__name__)

# The one place the weights live (the rule page shows them).
WEIGHTS = {
    "country": 40,
    "subregion": 20,
    "region": 10,
    "language": 10,
    "max_languages": 2,
    "topic": 8,
    "max_topics": 3,
    "engagement_form": 5,
    "max_engagement_forms": 2,
    "competence": 2,
    "max_competences": 3,
}

MUNICIPALITY, STATE, NATIONWIDE = "municipality", "state", "nationwide"
REACHES = (MUNICIPALITY, STATE, NATIONWIDE)

# Stored suggestions per partnership (the background computation keeps the best).
MIN_WORD = 4
# The language every organisation here shares: it tells nothing about a fit.
COMMON_LANGUAGE = "de"
# Ids read as a list up to this many, else through a subquery (databases limit parameters).
MAX_LISTED = 2_000
# Words that say nothing about a fit.
STOPWORDS = frozenset(
    {
        *("und", "oder", "der", "die", "das", "den", "dem", "des", "mit", "fuer", "von"),
        *("eine", "einer", "eines", "nicht", "auch", "sowie", "stadt", "partnerschaft"),
        *("with", "from", "that", "this", "their", "have", "other", "and", "for", "the"),
        *("city", "partnership"),
    }
)


class German(str):
    """A value quoted from German content (words of an organisation's competences): the same
    in both languages, and marked lang="de" where an English reason shows it."""


@dataclass(frozen=True)
class Reason:
    de: str
    en: str
    # The English text in parts, each (text, language), where it quotes German content ("" for
    # English); empty when all of it is English.
    en_parts: tuple = ()

    def __str__(self):
        return self.en if is_english() else self.de

    def __html__(self):
        """As a page shows it: German quoted in an English reason carries lang="de" (WCAG
        3.1.2)."""
        if not is_english() or not self.en_parts:
            return conditional_escape(str(self))
        return format_html_join(
            "",
            "{}",
            (
                (format_html('<span lang="{}">{}</span>', language, text) if language else text,)
                for text, language in self.en_parts
            ),
        )

    @property
    def html(self):
        """`{{ reason.html }}`: a template renders `{{ reason }}` as plain text (str())."""
        return self.__html__()

    @classmethod
    def frozen(cls, data):
        """The reasons an introduction froze (`Suggestion.as_json`) as Reasons. Introductions
        proposed before the parts were kept show their English reasons unmarked."""
        data = data if isinstance(data, dict) else {}
        de = data.get("de") or data.get("en") or []
        en = data.get("en") or de
        parts = data.get("en_parts") or []
        if len(en) != len(de):
            en = de
        if len(parts) != len(en):
            parts = [()] * len(en)
        return [
            cls(str(d), str(e), tuple((str(text), str(language)) for text, language in p))
            for d, e, p in zip(de, en, parts, strict=True)
        ]


@dataclass
class Suggestion:
    partnership: Partnership | None
    organisation: Organisation
    score: int
    reach: str
    reasons: list = field(default_factory=list)
    gains: dict = field(default_factory=dict)

    @property
    def reach_label(self):
        return reach_label(self.reach)

    @property
    def all_reasons(self):
        return [*self.reasons, *self.gains.values()]

    def as_json(self):
        facts = self.all_reasons
        return {
            "de": [r.de for r in facts],
            "en": [r.en for r in facts],
            "en_parts": [[list(part) for part in r.en_parts] for r in facts],
        }


def reach_label(reach):
    return {
        MUNICIPALITY: gettext("in the municipality"),
        STATE: gettext("in the federal state"),
        NATIONWIDE: gettext("nationwide"),
    }.get(reach, reach)


def _both(message, **names):
    """One fact in both languages: `message` translated, each value a pair (German, English)
    or a plain string used in both (a `German` one is marked in the English text's parts)."""
    texts, parts = {}, ()
    for language in ("de", "en"):
        with override(language):
            values = {
                key: (value[0] if language == "de" else value[1])
                if isinstance(value, tuple)
                else value
                for key, value in names.items()
            }
            texts[language] = gettext(message) % values
            if language == "en" and any(isinstance(v, German) for v in names.values()):
                parts = _parts(gettext(message), values)
    return Reason(texts["de"], texts["en"], parts)


# A named field of %-formatting: "%(country)s".
FORMAT_FIELD = re.compile(r"(%\((\w+)\)s)")


def _parts(message, values):
    """`message % values` as (text, language) parts: "de" for the values quoted in German."""
    parts = []
    pieces = FORMAT_FIELD.split(message)
    # split() gives text, field, its name, text, field, its name, ..., text.
    for index in range(0, len(pieces), 3):
        text = pieces[index].replace("%%", "%")
        if text:
            parts.append((text, ""))
        if index + 2 < len(pieces):
            value = values[pieces[index + 2]]
            parts.append((str(value), "de" if isinstance(value, German) else ""))
    return tuple(parts)


def _names(objects):
    """A list of reference names in both languages: ("Amharisch, Englisch", "Amharic, English")."""
    objects = sorted(objects, key=lambda obj: collation_key(obj.name_de))
    return (
        ", ".join(obj.name_de for obj in objects),
        ", ".join(obj.name_en for obj in objects),
    )


def _words(*texts):
    """The folded words of `texts` that may tell a fit (four letters or more, no filler)."""
    found = []
    for text in texts:
        for word in collation_key(text).split():
            if len(word) >= MIN_WORD and word not in STOPWORDS and word not in found:
                found.append(word)
    return found


def _spellings(*texts):
    """Each folded word as first written ("bildung" -> "Bildung"), for the reasons."""
    spelled = {}
    for text in texts:
        for token in re.findall(r"\w+", text or ""):
            spelled.setdefault(collation_key(token).strip(), token)
    return spelled


# What one side brings to the comparison


@dataclass
class Need:
    """What a partnership looks for."""

    partnership: Partnership
    country: Country
    municipality_id: int
    federal_state: str
    languages: dict  # id -> Language
    topics: dict  # id -> Topic
    forms: dict  # id -> EngagementForm
    words: list
    region_countries: dict | None = None
    spelled: dict = field(default_factory=dict)  # folded word -> as written

    def region(self):
        """The countries of the partnership country's world region, by id (read once)."""
        if self.region_countries is None:
            self.region_countries = {
                c.pk: c for c in Country.objects.filter(region_id=self.country.region_id)
            }
        return self.region_countries


def need_of(partnership):
    """The partnership's profile as the rule reads it (a few queries)."""
    partnership = (
        Partnership.objects.select_related("country", "country__region", "municipality")
        .filter(pk=partnership.pk)
        .first()
    )
    profile = getattr(partnership, "profile", None) if partnership else None
    if partnership is None:
        return None
    languages = {obj.pk: obj for obj in profile.languages.all()} if profile else {}
    topics = {obj.pk: obj for obj in profile.topics.all()} if profile else {}
    forms = {obj.pk: obj for obj in profile.engagement_forms.all()} if profile else {}
    return need_from(partnership, languages, topics, forms)


def need_from(partnership, languages, topics, forms):
    languages = {pk: obj for pk, obj in languages.items() if obj.code != COMMON_LANGUAGE}
    topic_words = [name for topic in topics.values() for name in (topic.name_de, topic.name_en)]
    return Need(
        partnership=partnership,
        country=partnership.country,
        municipality_id=partnership.municipality_id,
        federal_state=partnership.municipality.federal_state,
        languages=languages,
        topics=topics,
        forms=forms,
        words=_words(partnership.partner_name, *topic_words, partnership.note),
        spelled=_spellings(partnership.partner_name, *topic_words, partnership.note),
    )


@dataclass
class Offer:
    """What an organisation brings, as far as it touches one need."""

    pk: int
    municipality_id: int
    federal_state: str
    competences: str  # folded
    countries: list = field(default_factory=list)  # Country rows in the region
    languages: set = field(default_factory=set)  # ids shared with the need
    topics: set = field(default_factory=set)
    forms: set = field(default_factory=set)


def _geography(need, offer):
    """("country"|"subregion"|"region"|None, the countries that give it)."""
    country = need.country
    # `id`, not `pk`: this runs for every candidate of every partnership in the background.
    same = [c for c in offer.countries if c.id == country.id]
    if same:
        return "country", same
    if country.subregion:
        near = [c for c in offer.countries if c.subregion == country.subregion]
        if near:
            return "subregion", near
    region = [c for c in offer.countries if c.region_id == country.region_id]
    if region:
        return "region", region
    return None, []


def _competence_words(need, offer):
    return [word for word in need.words if word in offer.competences]


def score(need, offer):
    """The rule, as a number from 0 to 100 (see the module's docstring)."""
    w = WEIGHTS
    geography, _countries = _geography(need, offer)
    total = w[geography] if geography else 0
    total += w["language"] * min(len(offer.languages), w["max_languages"])
    total += w["topic"] * min(len(offer.topics), w["max_topics"])
    total += w["engagement_form"] * min(len(offer.forms), w["max_engagement_forms"])
    total += w["competence"] * min(len(_competence_words(need, offer)), w["max_competences"])
    return min(100, total)


def reach_between(municipality_id, federal_state, offer):
    if offer.municipality_id == municipality_id:
        return MUNICIPALITY
    if federal_state and offer.federal_state == federal_state:
        return STATE
    return NATIONWIDE


def order_key(reach, points, name_key, pk):
    return (REACHES.index(reach), -points, name_key, pk)


# Reading the candidates with a constant number of queries


def _offers(need, organisations):
    """The offers of `organisations` (a queryset) for `need`: five queries, whatever their
    number; only the facts that can count are read."""
    rows = organisations.values_list(
        "pk", "municipality_id", "municipality__federal_state", "competences", "name_key"
    )
    offers, keys = {}, {}
    for pk, municipality_id, state, competences, name_key in rows:
        offers[pk] = Offer(pk, municipality_id, state or "", collation_key(competences))
        keys[pk] = name_key
    if not offers:
        return offers, keys
    # Few ids (one reach at a time, or one page) as a list; many as the subquery.
    ids = list(offers) if len(offers) <= MAX_LISTED else organisations.values("pk")
    region = need.region()
    for organisation_id, country_id in Organisation.countries.through.objects.filter(
        organisation_id__in=ids, country_id__in=list(region)
    ).values_list("organisation_id", "country_id"):
        offers[organisation_id].countries.append(region[country_id])
    for relation, chosen, attribute, column in (
        (Organisation.languages.through, need.languages, "languages", "language_id"),
        (Organisation.topics.through, need.topics, "topics", "topic_id"),
        (Organisation.engagement_forms.through, need.forms, "forms", "engagementform_id"),
    ):
        if not chosen:
            continue
        for organisation_id, value in relation.objects.filter(
            organisation_id__in=ids, **{f"{column}__in": list(chosen)}
        ).values_list("organisation_id", column):
            getattr(offers[organisation_id], attribute).add(value)
    return offers, keys


def _candidates(need, organisations):
    """Migrant organisations engaged in the region or speaking a working language, from
    `organisations`; beyond the partnership's municipality only consented ones."""
    base = organisations.filter(kind=OrganisationKind.MIGRANT_ORGANISATION)
    eligible = base.filter(municipality_id=need.municipality_id) | base.public()
    # Checked per organisation (an index probe each): a reach of a few hundred organisations
    # is then read without touching the others.
    linked = Exists(
        Organisation.countries.through.objects.filter(
            organisation_id=OuterRef("pk"), country__region_id=need.country.region_id
        )
    )
    if need.languages:
        linked |= Exists(
            Organisation.languages.through.objects.filter(
                organisation_id=OuterRef("pk"), language_id__in=list(need.languages)
            )
        )
    return eligible.filter(linked).order_by()


def _reaches(need):
    """(reach, condition) in ranking order: the municipality, the rest of its federal state,
    the rest of the country."""
    here = Q(municipality_id=need.municipality_id)
    if not need.federal_state:
        return [(MUNICIPALITY, here), (NATIONWIDE, ~here)]
    state = Q(municipality__federal_state=need.federal_state)
    return [(MUNICIPALITY, here), (STATE, state & ~here), (NATIONWIDE, ~state & ~here)]


def _ranked(need, organisations, stop=None):
    """[(order key, offer)], best first; with `stop`, only the reaches needed for the first
    `stop` (reach comes before the score: the wider reaches are read only when the nearer
    ones do not fill the page)."""
    candidates = _candidates(need, organisations)
    ranked = []
    for _reach, condition in _reaches(need):
        offers, keys = _offers(need, candidates.filter(condition))
        part = []
        for offer in offers.values():
            reach = reach_between(need.municipality_id, need.federal_state, offer)
            part.append((order_key(reach, score(need, offer), keys[offer.pk], offer.pk), offer))
        ranked.extend(sorted(part, key=lambda pair: pair[0]))
        if stop is not None and len(ranked) >= stop:
            break
    return ranked


def _suggestion(need, offer, organisation):
    geography, countries = _geography(need, offer)
    reasons = []
    partner = need.partnership.partner_name
    if geography == "country":
        reasons.append(_both("works in %(country)s", country=_names(countries)))
    elif geography:
        reasons.append(
            _both(
                "works in %(countries)s, near %(country)s",
                countries=_names(countries),
                country=_names([need.country]),
            )
        )
    if offer.languages:
        languages = [need.languages[pk] for pk in offer.languages]
        reasons.append(_both("speaks %(languages)s", languages=_names(languages)))
    if offer.topics:
        topics = [need.topics[pk] for pk in offer.topics]
        reasons.append(_both("works on %(topics)s, like the partnership", topics=_names(topics)))
    if offer.forms:
        forms = [need.forms[pk] for pk in offer.forms]
        reasons.append(
            _both("practises %(forms)s, which the partnership seeks", forms=_names(forms))
        )
    words = _competence_words(need, offer)
    if words:
        words = ", ".join(need.spelled.get(word, word) for word in words[:5])
        reasons.append(_both("competences mention %(words)s", words=German(words)))
    if geography == "country":
        gain = _both("the partnership gains contacts in %(partner)s", partner=partner)
    elif geography:
        gain = _both("the partnership gains contacts in the region of %(partner)s", partner=partner)
    else:
        gain = _both("the partnership gains speakers of its working languages")
    reach = reach_between(need.municipality_id, need.federal_state, offer)
    return Suggestion(
        partnership=need.partnership,
        organisation=organisation,
        score=score(need, offer),
        reach=reach,
        reasons=reasons,
        gains={
            "partnership": gain,
            "organisation": _both(
                "the organisation gains a municipal partner for its projects"
                if reach == MUNICIPALITY
                else "the organisation gains a municipal partner in %(municipality)s",
                municipality=need.partnership.municipality.name,
            ),
        },
    )


def _suggestions(need, pairs):
    """Suggestions for the (order, offer) pairs, their organisations read in one query."""
    by_pk = Organisation.objects.select_related("municipality").in_bulk(
        [offer.pk for _key, offer in pairs]
    )
    return [_suggestion(need, offer, by_pk[offer.pk]) for _key, offer in pairs if offer.pk in by_pk]


def suggests(partnership):
    """Whether the partnership gets suggestions at all (ended ones do not)."""
    return partnership.status != PartnershipStatus.ENDED


# The interface


def suggestions_for_partnership(partnership, user, *, limit=20, offset=0):
    """The organisations that could carry `partnership`, as `user` may see them, best first."""
    return ranking(partnership, user)[offset : offset + limit]


class Ranking:
    """All suggestions for one partnership and reader, ranked as far as a slice needs; a slice
    builds its suggestions (a paginator shows a page with a constant number of queries)."""

    def __init__(self, need, organisations):
        self.need, self.organisations = need, organisations
        self.ranked, self.complete = [], False

    def count(self):
        if self.need is None:
            return 0
        return _candidates(self.need, self.organisations).count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        if self.need is None:
            return []
        stop = index.stop
        if not self.complete and (stop is None or stop > len(self.ranked)):
            self.ranked = _ranked(self.need, self.organisations, stop)
            self.complete = stop is None
        return _suggestions(self.need, self.ranked[index])


def ranking(partnership, user):
    """The `Ranking` of the organisations `user` may see for `partnership`."""
    need = need_of(partnership) if suggests(partnership) else None
    return Ranking(need, Organisation.objects.visible_to(user))


def explain(partnership, organisation):
    """Why `organisation` could carry `partnership` (no visibility check: the caller made
    it); None if nothing links them."""
    need = need_of(partnership)
    if need is None:
        return None
    offers, _keys = _offers(need, Organisation.objects.filter(pk=organisation.pk))
    offer = offers.get(organisation.pk)
    if offer is None or score(need, offer) == 0:
        return None
    return _suggestions(need, [(None, offer)])[0]


def suggestions_for_organisation(organisation, user, *, limit=20):
    """The partnerships (and so municipalities) that `organisation` could help carry, as far
    as `user` may see the organisation: the reverse of `suggestions_for_partnership`, by the
    same rule."""
    if organisation.kind != OrganisationKind.MIGRANT_ORGANISATION:
        return []
    if not Organisation.objects.visible_to(user).filter(pk=organisation.pk).exists():
        return []
    organisation = Organisation.objects.select_related("municipality").get(pk=organisation.pk)
    regions = Country.objects.filter(organisations=organisation).values("region_id")
    languages = list(organisation.languages.values_list("pk", flat=True))
    partnerships = Partnership.objects.exclude(status=PartnershipStatus.ENDED).filter(
        Q(country__region_id__in=regions) | Q(profile__languages__in=languages)
    )
    if not organisation.is_public:
        # Not consented: only its own municipality's partnerships may be told about it.
        partnerships = partnerships.filter(municipality_id=organisation.municipality_id)
    partnerships = (
        partnerships.distinct()
        .select_related("country", "country__region", "municipality", "profile")
        .prefetch_related("profile__languages", "profile__topics", "profile__engagement_forms")
    )
    offer_facts = _organisation_facts(organisation)
    found = []
    for partnership in partnerships:
        profile = getattr(partnership, "profile", None)
        need = need_from(
            partnership,
            {o.pk: o for o in profile.languages.all()} if profile else {},
            {o.pk: o for o in profile.topics.all()} if profile else {},
            {o.pk: o for o in profile.engagement_forms.all()} if profile else {},
        )
        offer = _offer_for(need, organisation, offer_facts)
        points = score(need, offer)
        if not points:
            continue
        reach = reach_between(need.municipality_id, need.federal_state, offer)
        found.append(
            (
                order_key(
                    reach, points, collation_key(partnership.municipality.name), partnership.pk
                ),
                need,
                offer,
            )
        )
    found.sort(key=lambda row: row[0])
    return [_suggestion(need, offer, organisation) for _key, need, offer in found[:limit]]


def _organisation_facts(organisation):
    return {
        "countries": list(organisation.countries.all()),
        "languages": set(organisation.languages.values_list("pk", flat=True)),
        "topics": set(organisation.topics.values_list("pk", flat=True)),
        "forms": set(organisation.engagement_forms.values_list("pk", flat=True)),
    }


def _offer_for(need, organisation, facts):
    return Offer(
        organisation.pk,
        organisation.municipality_id,
        organisation.municipality.federal_state or "",
        collation_key(organisation.competences),
        countries=[c for c in facts["countries"] if c.region_id == need.country.region_id],
        languages=facts["languages"] & set(need.languages),
        topics=facts["topics"] & set(need.topics),
        forms=facts["forms"] & set(need.forms),
    )


COMPLEMENTS = {
    OrganisationKind.MIGRANT_ORGANISATION: (
        OrganisationKind.ADMINISTRATION,
        OrganisationKind.NGO,
        OrganisationKind.EDUCATION,
        OrganisationKind.FOUNDATION,
        OrganisationKind.NETWORK,
    ),
}


def _complementary(first, second):
    return second.kind in COMPLEMENTS.get(first.kind, ()) or first.kind in COMPLEMENTS.get(
        second.kind, ()
    )


def explain_organisations(first, second):
    """Why two organisations could meet: shared countries (or region), languages, topics,
    forms of engagement, and kinds that complement each other. None if nothing links them."""
    one, other = _organisation_facts(first), _organisation_facts(second)
    countries = {c.pk: c for c in one["countries"]}
    shared_countries = [c for c in other["countries"] if c.pk in countries]
    regions = {c.region_id for c in one["countries"]}
    near = [c for c in other["countries"] if c.region_id in regions and c.pk not in countries]
    languages = Language.objects.filter(pk__in=one["languages"] & other["languages"]).exclude(
        code=COMMON_LANGUAGE
    )
    topics = Topic.objects.filter(pk__in=one["topics"] & other["topics"])
    forms = EngagementForm.objects.filter(pk__in=one["forms"] & other["forms"])
    languages, topics, forms = list(languages), list(topics), list(forms)
    w = WEIGHTS
    points = (w["country"] if shared_countries else w["region"] if near else 0) + w[
        "language"
    ] * min(len(languages), w["max_languages"])
    points += w["topic"] * min(len(topics), w["max_topics"])
    points += w["engagement_form"] * min(len(forms), w["max_engagement_forms"])
    complementary = _complementary(first, second)
    if not points and not complementary:
        return None
    reasons = []
    if shared_countries:
        reasons.append(_both("both work in %(countries)s", countries=_names(shared_countries)))
    elif near:
        reasons.append(_both("both work in the same world region"))
    if languages:
        reasons.append(_both("both speak %(languages)s", languages=_names(languages)))
    if topics:
        reasons.append(_both("both work on %(topics)s", topics=_names(topics)))
    if forms:
        reasons.append(_both("both practise %(forms)s", forms=_names(forms)))
    if complementary:
        reasons.append(_both("their kinds of work complement each other"))
    if first.municipality_id == second.municipality_id:
        reach = MUNICIPALITY
    elif first.municipality.federal_state and (
        first.municipality.federal_state == second.municipality.federal_state
    ):
        reach = STATE
    else:
        reach = NATIONWIDE
    return Suggestion(
        partnership=None,
        organisation=second,
        score=min(100, points),
        reach=reach,
        reasons=reasons,
        gains={
            "first": _both("%(name)s gains a partner for its work", name=first.name),
            "second": _both("%(name)s gains a partner for its work", name=second.name),
        },
    )
