"""The synthetic dataset of organisations, people, memberships and ties in synthetic
municipalities that `make bench`, `make bench-api` and `make bench-website` measure on, generated
once with bulk_create and reused; the other benchmarks borrow its names and municipalities."""

from datetime import date, timedelta
from itertools import accumulate

from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from bruecken.accounts.models import Role
from bruecken.actors.models import (
    EngagementForm,
    Membership,
    Organisation,
    OrganisationKind,
    Person,
    Tie,
    TieKind,
    Topic,
    name_key,
)
from bruecken.places.models import (
    Country,
    FederalState,
    Language,
    Municipality,
    MunicipalityKind,
    validate_ags,
)

from .common import (
    BENCH_DOMAIN,
    OFFICE_EMAIL,
    BenchCommand,
    bench_user,
    refresh_search_index,
    seeded,
)


def words(text):
    return text.split()


COORDINATOR_EMAIL = f"coordinator@{BENCH_DOMAIN}"
SEED = 20250
DEFAULT_ORGANISATIONS = 50_000
DEFAULT_PEOPLE = 200_000
MAX_MUNICIPALITIES = 400
ORGANISATIONS_PER_MUNICIPALITY = 125
TIES_PER_ORGANISATION = 2
CHUNK = 5_000
BATCH = 1_000

# Countries of the diaspora (weight, demonym, main language); Africa weighs most, as in the
# program's regions.
DIASPORA = {
    "GH": (6, "Ghanaischer", "tw"),
    "NG": (6, "Nigerianischer", "yo"),
    "CM": (5, "Kamerunischer", "fr"),
    "SN": (4, "Senegalesischer", "wo"),
    "CI": (3, "Ivorischer", "fr"),
    "TG": (3, "Togoischer", "ee"),
    "KE": (4, "Kenianischer", "sw"),
    "TZ": (3, "Tansanischer", "sw"),
    "ET": (4, "Äthiopischer", "am"),
    "ER": (4, "Eritreischer", "ti"),
    "SO": (3, "Somalischer", "so"),
    "CD": (3, "Kongolesischer", "fr"),
    "MA": (4, "Marokkanischer", "ar"),
    "EG": (2, "Ägyptischer", "ar"),
    "MZ": (2, "Mosambikanischer", "pt"),
    "ZW": (2, "Simbabwischer", "sn"),
    "SY": (6, "Syrischer", "ar"),
    "AF": (5, "Afghanischer", "fa"),
    "IQ": (3, "Irakischer", "ar"),
    "TR": (6, "Türkischer", "tr"),
    "VN": (4, "Vietnamesischer", "vi"),
    "MN": (1, "Mongolischer", "mn"),
    "UZ": (1, "Usbekischer", "uz"),
    "IN": (2, "Indischer", "hi"),
    "LK": (1, "Srilankischer", "ta"),
    "PH": (1, "Philippinischer", "tl"),
    "BO": (1, "Bolivianischer", "es"),
    "PE": (2, "Peruanischer", "es"),
    "CO": (2, "Kolumbianischer", "es"),
    "BR": (2, "Brasilianischer", "pt"),
    "CU": (1, "Kubanischer", "es"),
    "UA": (4, "Ukrainischer", "uk"),
    "RS": (2, "Serbischer", "sr"),
    "XK": (1, "Kosovarischer", "sq"),
}
MIGRANT_PATTERNS = [
    "{demonym} Verein {city}",
    "{demonym} Kulturverein {city}",
    "{demonym} Frauennetzwerk {city}",
    "{demonym} Elternverein {city}",
    "{demonym} Studierendenverein {city}",
    "Jugend für {country} {city}",
    "Brücke nach {country} {city}",
    "Freundeskreis {country} {city}",
    "Hilfe für {country} {city}",
]
OTHER_PATTERNS = {
    OrganisationKind.ADMINISTRATION: [
        "Stadtverwaltung {city} – Büro für Internationales",
        "Integrationsbeirat {city}",
        "Amt für Integration {city}",
    ],
    OrganisationKind.NGO: [
        "Weltladen {city}",
        "Initiative Nord-Süd {city}",
        "Eine-Welt-Verein {city}",
        "Partnerschaftsverein {city}",
    ],
    OrganisationKind.EDUCATION: [
        "Volkshochschule {city}",
        "Gesamtschule {city}",
        "Gymnasium {city}",
    ],
    OrganisationKind.FAITH_COMMUNITY: [
        "Evangelische Kirchengemeinde {city}",
        "Katholische Pfarrei {city}",
        "Moscheegemeinde {city}",
    ],
    OrganisationKind.FOUNDATION: ["Bürgerstiftung {city}", "Stiftung Weltoffenes {city}"],
    OrganisationKind.BUSINESS: ["Fair-Handelshaus {city}", "Kaffeerösterei {city}"],
    OrganisationKind.NETWORK: ["Eine-Welt-Netzwerk {city}", "Netzwerk Migration {city}"],
    OrganisationKind.OTHER: ["Arbeitskreis Entwicklung {city}", "Forum Globales {city}"],
}
KIND_WEIGHTS = {
    OrganisationKind.MIGRANT_ORGANISATION: 55,
    OrganisationKind.NGO: 12,
    OrganisationKind.EDUCATION: 8,
    OrganisationKind.FAITH_COMMUNITY: 6,
    OrganisationKind.ADMINISTRATION: 5,
    OrganisationKind.NETWORK: 4,
    OrganisationKind.OTHER: 4,
    OrganisationKind.FOUNDATION: 3,
    OrganisationKind.BUSINESS: 3,
}
QUARTERS = ["Nord", "Süd", "Ost", "West", "Mitte", "Altstadt", "Innenstadt"]
COMPETENCES = [
    "Kontakte zu Schulen und Gesundheitsstationen im Herkunftsland",
    "Übersetzung und Dolmetschen",
    "Erfahrung mit Kleinprojekten und ihrer Abrechnung",
    "Bildungsarbeit an Schulen: Globales Lernen aus erster Hand",
    "Kulturveranstaltungen und Feste",
    "Beratung zu Rücküberweisungen und Kleinkrediten",
    "Netzwerk zu Kommunalverwaltungen im Herkunftsland",
    "Fachwissen in Landwirtschaft und Wasserversorgung",
    "Schulpartnerschaften und Jugendaustausch",
    "Öffentlichkeitsarbeit und soziale Medien",
    "Fundraising und Antragstellung",
    "Begleitung neu Zugewanderter",
    "Ausstellungen und Lesungen",
    "Berufliche Bildung und Ausbildungspartnerschaften",
    "Gesundheitsaufklärung",
    "Frauenförderung und Empowerment",
    "Sport- und Freizeitangebote",
    "Erneuerbare Energien und Klimaschutzprojekte",
    "Fairer Handel und Direktimport",
    "Moderation und Konfliktvermittlung",
]
DESCRIPTIONS = [
    "Synthetische Organisation für Lasttests.",
    "Engagiert sich seit vielen Jahren für Projekte im Herkunftsland.",
    "Bringt Menschen aus der Diaspora mit kommunalen Akteuren zusammen.",
    "Arbeitet ehrenamtlich und trifft sich monatlich.",
    "Unterstützt Bildungs- und Gesundheitsprojekte.",
    "Organisiert Veranstaltungen zu globalen Themen.",
    "Kooperiert mit Partnerorganisationen vor Ort.",
]
FIRST_NAMES = words(
    "Abena Kwame Ama Kofi Yaw Efua Lucía Mateo Valeria Diego Bolormaa Dilnoza Rustam Amina "
    "Mariam Ahmad Neema Baraka Wanjiru Omar Lina Selam Dawit Minh Aylin Mehmet Tendai Rutendo "
    "Chinedu Ngozi Fatou Moussa Aïcha Anna Lukas Sabine Thomas Julia Stefan Katrin Jonas "
    "Monika Michael Laura Peter Sophie Markus Olena Dmytro Ana Hamid Layla Samir Nour"
)
LAST_NAMES = words(
    "Mensah Owusu Asante Quispe Mamani Rojas Ganbaatar Karimova Nkemdirim Traoré Kouassi "
    "Haidari Mwangi Otieno Al-Khatib Tesfaye Bekele Nguyen Tran Yilmaz Demir Moyo Okafor "
    "Diallo Ndiaye Schmidt Müller Becker Wagner Hoffmann Schulz Keller Richter Wolf Neumann "
    "Kovalenko Petrenko Silva Santos Hassan Ibrahim Rahimi Haddad Mohammed"
)
ROLES = ["Vorsitz", "stellv. Vorsitz", "Kassenwart", "Mitglied", "Projektleitung", "Referentin"]
PLACE_PREFIXES = ["", "", "", "Bad ", "Neu", "Ober", "Unter", "Alt", "Hohen", "Klein"]
PLACE_STEMS = words(
    "linden eichen birken buchen rosen wald berg tal see brunn mühl stein kirch sonnen "
    "marien friedrichs wilhelms karls ludwigs heide"
)
PLACE_SUFFIXES = words("dorf hausen feld burg berg stadt heim au brück ingen rode walde")


class DatasetCommand(BenchCommand):
    """A benchmark on this dataset, of the size --organisations and --people ask for."""

    timed = (30, 3, "case")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--organisations",
            type=int,
            default=DEFAULT_ORGANISATIONS,
            help="Synthetic organisations, about half with consent (default: %(default)s).",
        )
        parser.add_argument(
            "--people",
            type=int,
            default=DEFAULT_PEOPLE,
            help="Synthetic people (default: %(default)s).",
        )

    def execute(self, *args, **options):
        if options["organisations"] < 2 or options["people"] < 1:
            raise CommandError("Needs at least 2 organisations and 1 person.")
        return super().execute(*args, **options)


def prepare_dataset(command, organisations, people, others=None, delete_others=None):
    """The dataset, reused when it has the size asked for (people matching `others`, another
    benchmark's, not counted; `delete_others` deletes them before a new dataset is made)."""
    ours = Person.objects.all() if others is None else Person.objects.exclude(others)
    existing = Organisation.objects.count(), ours.count()
    if existing == (organisations, people):
        command.stdout.write(
            f"Reusing the synthetic dataset: {organisations:,} organisations, {people:,} people."
        )
        with transaction.atomic():
            refreshed = refresh_derived_fields()
        if refreshed:
            command.stdout.write(
                f"Recomputed name_key and search_text of {refreshed:,} organisations (the rules "
                "of Organisation.save() changed since the dataset was made)."
            )
        refresh_search_index(command.stdout, force=[Organisation] if refreshed else [])
        return
    if any(existing):
        command.stdout.write(
            f"The database holds another synthetic dataset ({existing[0]:,} organisations, "
            f"{existing[1]:,} people); replacing it."
        )

    def make():
        if delete_others:
            delete_others()
        delete_actors()
        return None, generate(seeded(SEED), organisations, people)

    command.generate(
        f"Generating {organisations:,} organisations and {people:,} people (seed {SEED}) …", make
    )
    refresh_search_index(command.stdout)


def bench_users():
    """A program office user and the coordinator of the biggest synthetic municipality."""
    office = bench_user(OFFICE_EMAIL, "Bench Programmbüro", Role.PROGRAM_OFFICE)
    municipality = Municipality.objects.get(ags=synthetic_keys(1)[0])
    coordinator = bench_user(
        COORDINATOR_EMAIL, "Bench Koordination", Role.COORDINATOR, municipality=municipality
    )
    return office, coordinator


def delete_actors():
    for model in (Tie, Membership, Person, Organisation):
        model.objects.all().delete()


# Generation


SYNTHETIC_KEY = r"^[0-9]{2}9[0-9]{5}$"


def synthetic_keys(count, digit=9):
    """Official keys no real municipality has: 8 digits, a federal state, then a 9 (an 8 for
    the municipalities of `make bench-import`)."""
    states = FederalState.values
    return [f"{states[i % len(states)]}{digit}{i:05d}" for i in range(count)]


def weighted_sample(rng, items, cum_weights, k):
    chosen = []
    while len(chosen) < min(k, len(items)):
        item = rng.choices(items, cum_weights=cum_weights)[0]
        if item not in chosen:
            chosen.append(item)
    return chosen


def create_municipalities(rng, count):
    keys = synthetic_keys(count)
    existing = set(Municipality.objects.filter(ags__in=keys).values_list("ags", flat=True))
    names, new = set(), []
    for ags in keys:
        while True:
            prefix, stem = rng.choice(PLACE_PREFIXES), rng.choice(PLACE_STEMS)
            name = prefix + stem.title() if prefix.endswith(" ") else (prefix + stem).title()
            name += rng.choice(PLACE_SUFFIXES)
            if name not in names:
                names.add(name)
                break
        if ags not in existing:
            kind = MunicipalityKind.CITY if rng.random() < 0.3 else MunicipalityKind.MUNICIPALITY
            validate_ags(ags, kind)
            new.append(Municipality(name=name, kind=kind, ags=ags, federal_state=ags[:2]))
    Municipality.objects.bulk_create(new, batch_size=BATCH)
    position = {ags: index for index, ags in enumerate(keys)}
    synthetic = sorted(Municipality.objects.filter(ags__in=keys), key=lambda m: position[m.ags])
    # The model municipalities from the reference data are the big cities.
    others = list(Municipality.objects.exclude(ags__regex=SYNTHETIC_KEY).order_by("ags"))
    return others + synthetic


def generate(rng, organisation_count, people_count):
    now = timezone.now()
    municipalities = create_municipalities(
        rng,
        max(2, min(MAX_MUNICIPALITIES, organisation_count // ORGANISATIONS_PER_MUNICIPALITY)),
    )
    # A few big cities, many small places.
    weights = list(accumulate(1 / (rank + 1) ** 0.7 for rank in range(len(municipalities))))
    countries = {c.code: c for c in Country.objects.filter(code__in=DIASPORA)}
    codes = [code for code in DIASPORA if code in countries]
    country_weights = list(accumulate(DIASPORA[code][0] for code in codes))
    languages = {lang.code: lang.pk for lang in Language.objects.all()}
    topics = list(Topic.objects.values_list("pk", "code"))
    # Education and partnership topics are the most common.
    topic_weights = list(
        accumulate(
            {"sdg-4": 12, "sdg-17": 8, "sdg-10": 6, "migration-development": 8}.get(code, 2)
            for _pk, code in topics
        )
    )
    forms = dict(EngagementForm.objects.values_list("code", "pk"))
    migrant_forms = ["aid-projects", "remittances", "knowledge-transfer", "contacts-networks"]
    other_forms = ["development-education", "contacts-networks", "fair-trade", "aid-projects"]
    kinds, kind_weights = list(KIND_WEIGHTS), list(accumulate(KIND_WEIGHTS.values()))

    CountryThrough = Organisation.countries.through
    TopicThrough = Organisation.topics.through
    FormThrough = Organisation.engagement_forms.through
    LanguageThrough = Organisation.languages.through
    counts = dict.fromkeys(
        ["organisations", "people", "memberships", "ties", "many-to-many rows"], 0
    )
    used_names = set()
    organisations = []  # (pk, municipality_id)
    for start in range(0, organisation_count, CHUNK):
        batch, engaged = [], []
        for number in range(start, min(start + CHUNK, organisation_count)):
            municipality = rng.choices(municipalities, cum_weights=weights)[0]
            city = municipality.name
            kind = rng.choices(kinds, cum_weights=kind_weights)[0]
            migrant = kind == OrganisationKind.MIGRANT_ORGANISATION
            picked = weighted_sample(
                rng, codes, country_weights, rng.randint(1, 3) if migrant else rng.randint(0, 2)
            )
            if migrant:
                first = countries[picked[0]]
                pattern = rng.choice(MIGRANT_PATTERNS)
                name = pattern.format(
                    demonym=DIASPORA[picked[0]][1], country=first.name_de, city=city
                )
            else:
                name = rng.choice(OTHER_PATTERNS[kind]).format(city=city)
            name = unique_name(rng, name, used_names)
            email = f"kontakt{number}@{BENCH_DOMAIN}"
            organisation = Organisation(
                name=name,
                name_key=name_key(name),
                kind=kind,
                municipality=municipality,
                competences="\n".join(rng.sample(COMPETENCES, rng.randint(1, 2))),
                description=" ".join(rng.sample(DESCRIPTIONS, rng.randint(1, 2))),
                website=f"https://org{number}.{BENCH_DOMAIN}",
                email=email,
                founded=rng.randint(1960, 2024),
            )
            organisation.search_text = organisation_search_text(organisation)
            if rng.random() < 0.5:
                organisation.consent_given_at = now - timedelta(days=rng.randint(1, 2000))
                organisation.consent_given_by = "Vorstand"
            batch.append(organisation)
            spoken = [languages["de"]] if rng.random() < 0.85 else []
            spoken += [
                languages[DIASPORA[code][2]]
                for code in picked
                if migrant and DIASPORA[code][2] in languages
            ]
            engaged.append(
                (
                    [countries[code].pk for code in picked],
                    [
                        pk
                        for pk, _code in weighted_sample(
                            rng, topics, topic_weights, rng.randint(1, 4)
                        )
                    ],
                    [
                        forms[code]
                        for code in rng.sample(
                            migrant_forms if migrant else other_forms, rng.randint(1, 2)
                        )
                        if code in forms
                    ],
                    list(dict.fromkeys(spoken)),
                )
            )
        Organisation.objects.bulk_create(batch, batch_size=BATCH)
        rows = {CountryThrough: [], TopicThrough: [], FormThrough: [], LanguageThrough: []}
        for organisation, (country_ids, topic_ids, form_ids, language_ids) in zip(
            batch, engaged, strict=True
        ):
            pk = organisation.pk
            organisations.append((pk, organisation.municipality_id))
            rows[CountryThrough] += [
                CountryThrough(organisation_id=pk, country_id=c) for c in country_ids
            ]
            rows[TopicThrough] += [TopicThrough(organisation_id=pk, topic_id=t) for t in topic_ids]
            rows[FormThrough] += [
                FormThrough(organisation_id=pk, engagementform_id=f) for f in form_ids
            ]
            rows[LanguageThrough] += [
                LanguageThrough(organisation_id=pk, language_id=lang) for lang in language_ids
            ]
        for model, objects in rows.items():
            model.objects.bulk_create(objects, batch_size=BATCH)
            counts["many-to-many rows"] += len(objects)
    counts["organisations"] = len(organisations)

    by_municipality = {}
    for pk, municipality_id in organisations:
        by_municipality.setdefault(municipality_id, []).append(pk)
    municipality_of = dict(organisations)
    counts["people"], counts["memberships"], m2m = create_people(
        rng, people_count, organisations, by_municipality, languages, countries, now
    )
    counts["many-to-many rows"] += m2m
    counts["ties"] = create_ties(rng, organisations, by_municipality, municipality_of)
    return counts


def organisation_search_text(organisation):
    """What Organisation.save() stores (bulk_create does not call it)."""
    parts = (
        organisation.name,
        organisation.competences,
        organisation.description,
        organisation.email,
    )
    return "\n".join(part.casefold() for part in parts)


def refresh_derived_fields():
    """Recompute name_key and search_text where the rules of Organisation.save() changed since
    the dataset was made; returns how many organisations changed."""
    changed = []
    fields = ("name", "competences", "description", "email", "name_key", "search_text")
    for organisation in Organisation.objects.only(*fields).iterator(chunk_size=CHUNK):
        derived = name_key(organisation.name), organisation_search_text(organisation)
        if derived != (organisation.name_key, organisation.search_text):
            changed.append((*derived, organisation.pk))
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {q(Organisation._meta.db_table)} SET {q('name_key')} = %s, "
            f"{q('search_text')} = %s WHERE {q('id')} = %s",
            changed,
        )
    return len(changed)


def unique_name(rng, name, used):
    """Unique across all municipalities, so that the list's order is the same in every query."""
    candidate = name
    while name_key(candidate) in used:
        candidate = f"{name} {rng.choice(QUARTERS)} {rng.randint(2, 999)}"
    used.add(name_key(candidate))
    return candidate


def create_people(rng, count, organisations, by_municipality, languages, countries, now):
    PersonLanguage = Person.languages.through
    PersonCountry = Person.countries.through
    country_ids = [c.pk for c in countries.values()]
    language_ids = [languages[code] for _w, _d, code in DIASPORA.values() if code in languages]
    memberships = m2m = 0
    start_day = date(2000, 1, 1)
    for start in range(0, count, CHUNK):
        batch, joined = [], []
        for number in range(start, min(start + CHUNK, count)):
            organisation_id, municipality_id = rng.choice(organisations)
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name = f"{first} {last}"
            email = f"{first}.{last}.{number}@{BENCH_DOMAIN}".lower()
            person = Person(
                name=name,
                email=email,
                municipality_id=municipality_id if rng.random() < 0.85 else None,
                competences=rng.choice(COMPETENCES) if rng.random() < 0.4 else "",
                is_decision_maker=rng.random() < 0.1,
                is_multiplier=rng.random() < 0.25,
            )
            person.search_text = "\n".join(
                part.casefold() for part in (name, email, person.competences)
            )
            if rng.random() < 0.3:
                person.consent_given_at = now - timedelta(days=rng.randint(1, 2000))
                person.consent_given_by = name
            batch.append(person)
            organisation_ids = [organisation_id]
            if rng.random() < 0.5:
                second = rng.choice(by_municipality[municipality_id])
                if second != organisation_id:
                    organisation_ids.append(second)
            joined.append(organisation_ids)
        Person.objects.bulk_create(batch, batch_size=BATCH)
        member_rows, language_rows, country_rows = [], [], []
        for person, organisation_ids in zip(batch, joined, strict=True):
            for index, organisation_id in enumerate(organisation_ids):
                member_rows.append(
                    Membership(
                        person_id=person.pk,
                        organisation_id=organisation_id,
                        role=rng.choice(ROLES),
                        is_contact=index == 0 and rng.random() < 0.15,
                        started_on=start_day + timedelta(days=rng.randint(0, 9000))
                        if rng.random() < 0.6
                        else None,
                    )
                )
            spoken = {languages["de"], rng.choice(language_ids)}
            language_rows += [PersonLanguage(person_id=person.pk, language_id=i) for i in spoken]
            if rng.random() < 0.5:
                country_rows.append(
                    PersonCountry(person_id=person.pk, country_id=rng.choice(country_ids))
                )
        Membership.objects.bulk_create(member_rows, batch_size=BATCH)
        PersonLanguage.objects.bulk_create(language_rows, batch_size=BATCH)
        PersonCountry.objects.bulk_create(country_rows, batch_size=BATCH)
        memberships += len(member_rows)
        m2m += len(language_rows) + len(country_rows)
    return count, memberships, m2m


def create_ties(rng, organisations, by_municipality, municipality_of):
    """Mostly within a municipality, some across; no tie twice, none with itself."""
    wanted = len(organisations) * TIES_PER_ORGANISATION
    kinds = list(TieKind.values)
    seen, ties = set(), []
    attempts = 0
    start_day = date(2000, 1, 1)
    while len(ties) < wanted and attempts < wanted * 3:
        attempts += 1
        source = rng.choice(organisations)[0]
        if rng.random() < 0.8:
            target = rng.choice(by_municipality[municipality_of[source]])
        else:
            target = rng.choice(organisations)[0]
        kind = rng.choice(kinds)
        key = (min(source, target), max(source, target), kind)
        if source == target or key in seen:
            continue
        seen.add(key)
        started = start_day + timedelta(days=rng.randint(0, 9000)) if rng.random() < 0.7 else None
        ties.append(Tie(source_id=source, target_id=target, kind=kind, started_on=started))
    for start in range(0, len(ties), CHUNK * 4):
        Tie.objects.bulk_create(ties[start : start + CHUNK * 4], batch_size=BATCH)
    return len(ties)
