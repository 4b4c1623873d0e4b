"""Suggestions stored in the background (`recompute`, after a partnership is saved, soon
after organisations change, and daily by the housekeeping): every partnership's best
organisations as its municipality's staff see them. Readers filter the rows by what they may see
(`stored_for`); the rule itself is `matching`'s."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django_tasks import task

from bruecken import bulk
from bruecken.actors.models import Organisation, OrganisationKind
from bruecken.places.models import Country, Partnership
from bruecken.translation import collation_key

from .matching import REACHES, Offer, need_from, order_key, reach_between, score, suggests
from .models import Match

STORED_PER_PARTNERSHIP = 100
STORE_CHUNK = 50


def store(partnerships, now=None):
    """Compute and store the suggestions of `partnerships` as the municipality's staff see
    them (its own organisations and the consented ones); readers filter the rows by what they
    may see. Returns the number of rows stored."""
    now = now or timezone.now()
    partnerships = list(
        partnerships.select_related("country", "country__region", "municipality", "profile")
        .prefetch_related("profile__languages", "profile__topics", "profile__engagement_forms")
        .order_by("pk")
    )
    stored = 0
    everyone = _StoreBase()
    for start in range(0, len(partnerships), STORE_CHUNK):
        chunk = partnerships[start : start + STORE_CHUNK]
        rows = [row for partnership in chunk for row in _rows(everyone, partnership, now)]
        # A chunk at a time: readers never see a partnership half stored, and SQLite's single
        # writer is not held for the whole run.
        with transaction.atomic():
            Match.objects.filter(partnership_id__in=[p.pk for p in chunk]).delete()
            bulk.raw_insert(Match, rows)
        stored += len(rows)
    return stored


def _rows(everyone, partnership, now):
    if not suggests(partnership):
        return []
    profile = getattr(partnership, "profile", None)
    need = need_from(
        partnership,
        {o.pk: o for o in profile.languages.all()} if profile else {},
        {o.pk: o for o in profile.topics.all()} if profile else {},
        {o.pk: o for o in profile.engagement_forms.all()} if profile else {},
    )
    best = everyone.ranked(need, STORED_PER_PARTNERSHIP)[:STORED_PER_PARTNERSHIP]
    return [
        {
            "partnership_id": partnership.pk,
            "organisation_id": offer.pk,
            "score": -key[1],
            "reach": REACHES[key[0]],
            "computed_at": now,
        }
        for key, offer in best
    ]


class _StoreBase:
    """All migrant organisations' facts, read once for many partnerships (a few queries in
    all), indexed so that each partnership's candidates come from set operations and only the
    reaches needed are scored."""

    def __init__(self):
        self.loaded = False

    def load(self):
        organisations = Organisation.objects.filter(kind=OrganisationKind.MIGRANT_ORGANISATION)
        self.offers, self.keys, self.public = {}, {}, set()
        self.by_municipality, self.by_state = {}, {}
        for pk, municipality_id, state, competences, name_key, consent in organisations.values_list(
            "pk",
            "municipality_id",
            "municipality__federal_state",
            "competences",
            "name_key",
            "consent_given_at",
        ):
            self.offers[pk] = (municipality_id, state or "", collation_key(competences))
            self.keys[pk] = name_key
            self.by_municipality.setdefault(municipality_id, set()).add(pk)
            if state:
                self.by_state.setdefault(state, set()).add(pk)
            if consent is not None:
                self.public.add(pk)
        ids = organisations.values("pk")
        self.countries = {c.pk: c for c in Country.objects.all()}
        self.by_region, self.countries_of = {}, {}
        for organisation_id, country_id in Organisation.countries.through.objects.filter(
            organisation_id__in=ids
        ).values_list("organisation_id", "country_id"):
            country = self.countries[country_id]
            self.countries_of.setdefault(organisation_id, []).append(country)
            self.by_region.setdefault(country.region_id, set()).add(organisation_id)
        self.facts, self.region_countries = {}, {}
        for relation, column, attribute in (
            (Organisation.languages.through, "language_id", "languages"),
            (Organisation.topics.through, "topic_id", "topics"),
            (Organisation.engagement_forms.through, "engagementform_id", "forms"),
        ):
            index = self.facts[attribute] = {}
            for organisation_id, value in relation.objects.filter(
                organisation_id__in=ids
            ).values_list("organisation_id", column):
                index.setdefault(value, set()).add(organisation_id)
        self.loaded = True

    def ranked(self, need, stop=None):
        if not self.loaded:
            self.load()
        region = self.by_region.get(need.country.region_id, set())
        speaking = set()
        for language in need.languages:
            speaking |= self.facts["languages"].get(language, set())

        def linked(pks):
            return {pk for pk in pks if pk in region or pk in speaking}

        here = self.by_municipality.get(need.municipality_id, set())
        state = self.by_state.get(need.federal_state, set()) if need.federal_state else set()
        # Beyond the municipality only consented ones; the wider reaches only when needed.
        reaches = [
            lambda: linked(here),
            lambda: linked((state & self.public) - here),
            lambda: ((region | speaking) & self.public) - state - here,
        ]
        # Per partnership once: the sets its facts are looked up in, and its region's countries
        # of each organisation (per region once).
        looked_up = [
            (attribute, [(x, self.facts[attribute].get(x, set())) for x in chosen])
            for attribute, chosen in (
                ("languages", need.languages),
                ("topics", need.topics),
                ("forms", need.forms),
            )
        ]
        in_region = self._in_region(need.country.region_id)
        ranked = []
        for reach in reaches:
            part = [self._scored(need, pk, looked_up, in_region) for pk in reach()]
            ranked.extend(sorted(part, key=lambda pair: pair[0]))
            if stop is not None and len(ranked) >= stop:
                break
        return ranked

    def _in_region(self, region):
        if region not in self.region_countries:
            self.region_countries[region] = {
                pk: [c for c in countries if c.region_id == region]
                for pk, countries in self.countries_of.items()
            }
        return self.region_countries[region]

    def _scored(self, need, pk, looked_up, in_region):
        municipality_id, state, competences = self.offers[pk]
        facts = {
            attribute: {x for x, members in pairs if pk in members}
            for attribute, pairs in looked_up
        }
        offer = Offer(
            pk, municipality_id, state, competences, countries=in_region.get(pk, []), **facts
        )
        reach = reach_between(need.municipality_id, need.federal_state, offer)
        return (order_key(reach, score(need, offer), self.keys[pk], pk), offer)


def stored_for(user, partnerships):
    """The stored suggestions of `partnerships` that `user` may see (the reader's filter,
    applied whenever stored rows are read)."""
    return Match.objects.filter(
        partnership__in=partnerships,
        organisation__in=Organisation.objects.visible_to(user).values("pk"),
    )


@task()
def recompute(partnership_ids=None):
    """Store the suggestions of the given partnerships (all when None). Returns rows stored."""
    cache.delete(PENDING_KEY)
    partnerships = Partnership.objects.all()
    if partnership_ids is not None:
        partnerships = partnerships.filter(pk__in=partnership_ids)
    return store(partnerships)


PENDING_KEY = "partnerships:matching:pending"


def recompute_soon(partnership_ids=None):
    """After the transaction: recompute the given partnerships now, or (None: organisations
    changed) all of them once within MATCHING_DEBOUNCE_SECONDS however many changes come."""
    if partnership_ids is not None:
        ids = list(partnership_ids)
        transaction.on_commit(lambda: recompute.enqueue(partnership_ids=ids))
        return
    delay = settings.MATCHING_DEBOUNCE_SECONDS
    if cache.add(PENDING_KEY, True, timeout=delay):
        run_after = timezone.now() + timedelta(seconds=delay)
        # A backend that cannot defer (the immediate one) recomputes at once.
        deferrable = recompute.get_backend().supports_defer
        later = recompute.using(run_after=run_after) if deferrable else recompute

        def enqueue():
            later.enqueue()

        transaction.on_commit(enqueue)


def housekeeping(now):
    """Recompute all stored suggestions when organisations changed after the last computation,
    or when it is a day old. Returns the rows stored (0 when nothing was due)."""
    last = Match.objects.aggregate(last=Max("computed_at"))["last"]
    changed = Organisation.objects.aggregate(last=Max("updated_at"))["last"]
    partnerships = Partnership.objects.aggregate(n=Max("pk"))["n"]
    if not partnerships:
        return 0
    if last is not None and last > now - timedelta(days=1) and (changed is None or changed < last):
        return 0
    return store(Partnership.objects.all(), now=now)
