"""The demo registry: fictional organisations, people, memberships and ties for the five model
municipalities, entered by the demo program office through the actors' services (so each has its
audit entries). Every organisation and person made here is flagged `is_demo` and shown with a
"Demo" badge; e-mail addresses use the reserved .example domain. Deterministic: the same seed
gives the same data."""

import random
import unicodedata
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from bruecken.actors.models import (
    EngagementForm,
    Organisation,
    OrganisationKind,
    Person,
    TieKind,
    Topic,
)
from bruecken.actors.services import (
    add_membership,
    add_tie,
    create_organisation,
    create_person,
    give_organisation_consent,
    give_person_consent,
)
from bruecken.places.models import Country, Language, Municipality

from .accounts import demo_office

# Per municipality: the countries its partnerships point to come first, so the demo tells the
# flyer's story (diaspora organisations from the partner countries meeting municipal actors).
DIASPORA = {
    "05314000": ["GH", "BO", "MN", "UZ", "CM", "TG", "AF"],  # Bonn
    "01002000": ["TZ", "KE", "SY", "ER", "VN"],  # Kiel
    "14713000": ["ET", "VN", "MZ", "CU", "SY"],  # Leipzig
    "09162000": ["ZW", "TR", "PE", "NG", "SN"],  # München
    "05358": ["CI", "GH", "MA", "KE"],  # Kreis Düren
}
LANGUAGE_OF = {
    "GH": "tw",
    "BO": "es",
    "MN": "mn",
    "UZ": "uz",
    "CM": "fr",
    "TG": "ee",
    "AF": "fa",
    "TZ": "sw",
    "KE": "sw",
    "SY": "ar",
    "ER": "ti",
    "VN": "vi",
    "ET": "am",
    "MZ": "pt",
    "CU": "es",
    "ZW": "sn",
    "TR": "tr",
    "PE": "es",
    "NG": "yo",
    "SN": "wo",
    "CI": "fr",
    "MA": "ar",
}
# German adjectives agree with the noun's gender: der Verein → Türkischer Verein, das Netzwerk →
# Türkisches Frauennetzwerk, die Initiative → Türkische Initiative (strong declension, nominative).
ADJECTIVE_ENDINGS = {"m": "er", "n": "es", "f": "e"}
MIGRANT_PATTERNS = [
    ("{demonym} Verein {city}", "m"),
    ("{demonym} Frauennetzwerk {city}", "n"),
    ("Jugend für {country} {city}", "f"),
]
MUNICIPAL_ACTORS = [
    ("Stadtverwaltung {city} – Büro für Internationales", OrganisationKind.ADMINISTRATION),
    ("Integrationsbeirat {city}", OrganisationKind.ADMINISTRATION),
    ("Eine-Welt-Netzwerk {city}", OrganisationKind.NETWORK),
    ("Weltladen {city}", OrganisationKind.NGO),
    ("Initiative Nord-Süd {city}", OrganisationKind.NGO),
    ("Volkshochschule {city}", OrganisationKind.EDUCATION),
    ("Gesamtschule {city}-Mitte", OrganisationKind.EDUCATION),
    ("Evangelische Kirchengemeinde {city}", OrganisationKind.FAITH_COMMUNITY),
    ("Bürgerstiftung {city}", OrganisationKind.FOUNDATION),
    ("Fair-Handelshaus {city}", OrganisationKind.BUSINESS),
]
FIRST_NAMES = [
    "Abena",
    "Kwame",
    "Ama",
    "Kofi",
    "Yaw",
    "Efua",
    "Lucía",
    "Mateo",
    "Valeria",
    "Diego",
    "Bolormaa",
    "Bat-Erdene",
    "Dilnoza",
    "Rustam",
    "Amina",
    "Jean-Pierre",
    "Mariam",
    "Ahmad",
    "Neema",
    "Baraka",
    "Wanjiru",
    "Omar",
    "Lina",
    "Selam",
    "Dawit",
    "Thi Lan",
    "Minh",
    "Aylin",
    "Mehmet",
    "Tendai",
    "Rutendo",
    "Chinedu",
    "Ngozi",
    "Fatou",
    "Moussa",
    "Aïcha",
    "Anna",
    "Lukas",
    "Sabine",
    "Thomas",
    "Julia",
    "Stefan",
    "Katrin",
    "Jonas",
    "Monika",
    "Michael",
    "Laura",
    "Peter",
    "Sophie",
    "Markus",
]
LAST_NAMES = [
    "Mensah",
    "Owusu",
    "Asante",
    "Quispe",
    "Mamani",
    "Rojas",
    "Ganbaatar",
    "Karimova",
    "Nkemdirim",
    "Traoré",
    "Kouassi",
    "Haidari",
    "Mwangi",
    "Otieno",
    "Al-Khatib",
    "Tesfaye",
    "Bekele",
    "Nguyen",
    "Tran",
    "Yilmaz",
    "Demir",
    "Moyo",
    "Chikwanha",
    "Okafor",
    "Diallo",
    "Ndiaye",
    "Schmidt",
    "Müller",
    "Becker",
    "Wagner",
    "Hoffmann",
    "Schulz",
    "Keller",
    "Richter",
    "Wolf",
    "Neumann",
]
# Adjective stems of the countries' demonyms; `demonym()` adds the ending.
DEMONYMS = {
    "GH": "Ghanaisch",
    "BO": "Bolivianisch",
    "MN": "Mongolisch",
    "UZ": "Usbekisch",
    "CM": "Kamerunisch",
    "TG": "Togoisch",
    "AF": "Afghanisch",
    "TZ": "Tansanisch",
    "KE": "Kenianisch",
    "SY": "Syrisch",
    "ER": "Eritreisch",
    "VN": "Vietnamesisch",
    "ET": "Äthiopisch",
    "MZ": "Mosambikanisch",
    "CU": "Kubanisch",
    "ZW": "Simbabwisch",
    "TR": "Türkisch",
    "PE": "Peruanisch",
    "NG": "Nigerianisch",
    "SN": "Senegalesisch",
    "CI": "Ivorisch",
    "MA": "Marokkanisch",
}
COMPETENCES = [
    "Kontakte zu Schulen und Gesundheitsstationen im Herkunftsland",
    "Übersetzung und Dolmetschen",
    "Erfahrung mit Kleinprojekten und ihrer Abrechnung",
    "Bildungsarbeit an Schulen: Globales Lernen aus erster Hand",
    "Kulturveranstaltungen und Feste",
    "Beratung zu Rücküberweisungen und Kleinkrediten",
    "Netzwerk zu Kommunalverwaltungen im Herkunftsland",
    "Fachwissen in Landwirtschaft und Wasserversorgung",
]
ROLES = ["Vorsitz", "stellv. Vorsitz", "Kassenwart", "Mitglied", "Projektleitung", "Referentin"]


def demonym(code, gender):
    """The demonym of country `code` as the adjective before a noun of `gender` ("m", "n", "f")."""
    return DEMONYMS[code] + ADJECTIVE_ENDINGS[gender]


def migrant_organisation_name(pattern, gender, code, country_name, city):
    return pattern.format(demonym=demonym(code, gender), country=country_name, city=city)


def demo_exists():
    return Organisation.objects.filter(is_demo=True).exists()


# German letters as Germans write them without umlauts; other accents are dropped.
GERMAN_FOLDS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _slug(text):
    """Lower-case ASCII letters and digits of `text`: the e-mail forms refuse addresses with
    accents (Lucía, Traoré), so the demo's addresses have none."""
    folded = unicodedata.normalize("NFKD", text.lower().translate(GERMAN_FOLDS))
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())[:30]


@transaction.atomic
def create_demo_data(seed=2007, office=None):
    """The registry, entered by `office` (the demo program office unless given); returns the
    organisations."""
    office = office or demo_office()
    rng = random.Random(seed)
    countries = {c.code: c for c in Country.objects.all()}
    languages = {lang.code: lang for lang in Language.objects.all()}
    topics = list(Topic.objects.all())
    forms = {f.code: f for f in EngagementForm.objects.all()}
    german = languages["de"]
    now = timezone.now()
    organisations = []
    for municipality in Municipality.objects.filter(ags__in=DIASPORA):
        city = municipality.name.replace("Kreis ", "")
        for code in DIASPORA[municipality.ags]:
            country = countries[code]
            patterns = MIGRANT_PATTERNS[: 2 if code in DIASPORA[municipality.ags][:3] else 1]
            for pattern, gender in patterns:
                name = migrant_organisation_name(pattern, gender, code, country.name_de, city)
                organisations.append(
                    (municipality, name, OrganisationKind.MIGRANT_ORGANISATION, [country])
                )
        for pattern, kind in MUNICIPAL_ACTORS:
            partner_countries = [p.country for p in municipality.partnerships.all()]
            engaged = rng.sample(partner_countries, k=min(len(partner_countries), 1))
            organisations.append((municipality, pattern.format(city=city), kind, engaged))

    created = []
    for municipality, name, kind, engaged in organisations:
        migrant = kind == OrganisationKind.MIGRANT_ORGANISATION
        # The random draws in the order the dataset has always drawn them.
        values = {
            "name": name,
            "kind": kind,
            "municipality": municipality,
            "competences": rng.choice(COMPETENCES) if migrant else "",
            "description": (
                "Fiktive Demo-Organisation. "
                + (
                    "Menschen aus der Diaspora, die Projekte im Herkunftsland unterstützen."
                    if migrant
                    else "Kommunaler Akteur der Eine-Welt-Arbeit."
                )
            ),
            "website": f"https://{_slug(name)}.example",
            "email": f"kontakt@{_slug(name)}.example",
            "founded": rng.randint(1975, 2008),
        }
        consent_at = now - timedelta(days=rng.randint(10, 400)) if rng.random() < 0.6 else None
        values["countries"] = engaged
        values["topics"] = rng.sample(topics, k=rng.randint(1, 4))
        form_codes = (
            ["aid-projects", "remittances", "knowledge-transfer", "contacts-networks"]
            if migrant
            else ["development-education", "contacts-networks", "fair-trade"]
        )
        values["engagement_forms"] = [forms[c] for c in rng.sample(form_codes, k=rng.randint(1, 2))]
        values["languages"] = [german] + [
            languages[LANGUAGE_OF[c.code]] for c in engaged if migrant and c.code in LANGUAGE_OF
        ]
        organisation = create_organisation(office, values)
        if consent_at:
            give_organisation_consent(office, organisation, "Vorstand (Demo)", given_at=consent_at)
        created.append(organisation)

    people = _create_people(rng, office, created, languages, now)
    _create_ties(rng, office, created)
    # No service sets the demo flag (nor should one): set after the services made the rows.
    Organisation.objects.filter(pk__in=[o.pk for o in created]).update(is_demo=True)
    Person.objects.filter(pk__in=[p.pk for p in people]).update(is_demo=True)
    for item in [*created, *people]:
        item.is_demo = True
    return created


def _create_people(rng, office, organisations, languages, now):
    used = set()
    people = []
    for index in range(170):
        organisation = organisations[index % len(organisations)]
        while True:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if name not in used:
                used.add(name)
                break
        values = {
            "name": name,
            "email": f"{_slug(name)}@mail.example",
            "municipality": organisation.municipality,
            "is_decision_maker": rng.random() < 0.2,
            "is_multiplier": rng.random() < 0.35,
            "competences": rng.choice(COMPETENCES) if rng.random() < 0.5 else "",
            "languages": [languages["de"]],
            "countries": list(organisation.countries.all()[:1]),
        }
        consent_at = now - timedelta(days=rng.randint(10, 400)) if rng.random() < 0.3 else None
        person = create_person(office, values)
        if consent_at:
            give_person_consent(office, person, name, given_at=consent_at)
        add_membership(
            office,
            organisation,
            {
                "person": person,
                "role": rng.choice(ROLES),
                "is_contact": index < len(organisations),
                "started_on": date(2005, 1, 1) + timedelta(days=rng.randint(0, 1500)),
            },
        )
        if rng.random() < 0.2:
            others = [
                o
                for o in organisations
                if o.municipality_id == organisation.municipality_id and o.pk != organisation.pk
            ]
            add_membership(office, rng.choice(others), {"person": person, "role": "Mitglied"})
        people.append(person)
    return people


def _create_ties(rng, office, organisations):
    by_municipality = {}
    for organisation in organisations:
        by_municipality.setdefault(organisation.municipality_id, []).append(organisation)
    kinds = [TieKind.COOPERATION, TieKind.JOINT_PROJECT, TieKind.NETWORK_MEMBERSHIP]
    seen = set()
    for members in by_municipality.values():
        migrant = [o for o in members if o.kind == OrganisationKind.MIGRANT_ORGANISATION]
        municipal = [o for o in members if o.kind != OrganisationKind.MIGRANT_ORGANISATION]
        network = next((o for o in municipal if o.kind == OrganisationKind.NETWORK), None)
        pairs = []
        # Mostly ties within each side, few across: the starting point the program changes.
        pairs += [tuple(rng.sample(municipal, 2)) for _ in range(6)]
        pairs += [tuple(rng.sample(migrant, 2)) for _ in range(3) if len(migrant) > 1]
        pairs += [(rng.choice(municipal), rng.choice(migrant)) for _ in range(2)]
        if network:
            pairs += [(o, network) for o in rng.sample(municipal, 3) if o != network]
        for source, target in pairs:
            kind = TieKind.NETWORK_MEMBERSHIP if target == network else rng.choice(kinds)
            key = (min(source.pk, target.pk), max(source.pk, target.pk), kind)
            if source == target or key in seen:
                continue
            seen.add(key)
            add_tie(
                office,
                source,
                {
                    "target": target,
                    "kind": kind,
                    "started_on": date(2003, 1, 1) + timedelta(days=rng.randint(0, 1800)),
                    "note": "Demo",
                },
            )
