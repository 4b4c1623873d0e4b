"""The known values of the choice columns (kinds, topics, countries, languages, forms of
engagement), how a cell's value is found among them, and which known value an unknown one most
likely means.

A vocabulary knows each value by its code and its German and English names (and for countries
and languages the ISO alpha-3 code and the official names). What a spreadsheet writes beyond
that ("Kirchengemeinde", "Bildung", "Tansanie") is not guessed silently: the dry run lists it
with a proposal from `propose()`, and the user's confirmed choice is kept as a value mapping."""

import difflib
import re

from django.utils import translation
from django.utils.translation import gettext_lazy

from bruecken.actors.models import EngagementForm, OrganisationKind, TieKind, Topic
from bruecken.actors.taxonomy import SDGS
from bruecken.places.models import Country, Language, PartnershipKind

from .columns import normalise

KEY_LENGTH = 200  # a value is remembered by this much of its normalised text
MIN_PART = 4  # shorter names are not looked for inside a value ("tg" in "stiftung")
FUZZY_LIMIT = 60  # longer values get no near-spelling proposal (difflib is quadratic)


def value_key(raw):
    return normalise(raw)[:KEY_LENGTH]


# Common words of German and English spreadsheets for the known values (normalised on use).

KIND_SYNONYMS = {
    "migrant_organisation": [
        "MSO",
        "MO",
        "Migrantenorganisation",
        "Migrantenselbstorganisation",
        "Migrantinnenorganisation",
        "Migrant*innenorganisation",
        "Diasporaorganisation",
        "Diaspora",
        "Migrantenverein",
        "Migrant organization",
        "Diaspora organisation",
    ],
    "administration": [
        "Verwaltung",
        "Kommunalverwaltung",
        "Stadtverwaltung",
        "Kreisverwaltung",
        "Gemeindeverwaltung",
        "Kommune",
        "Stadt",
        "Amt",
        "Behörde",
        "Administration",
        "Local authority",
        "Municipality",
    ],
    "ngo": [
        "NRO",
        "NGO",
        "Nichtregierungsorganisation",
        "Non-governmental organisation",
        "Non-governmental organization",
        "Eine-Welt-Verein",
        "Weltladen",
        "Hilfsorganisation",
    ],
    "education": [
        "Bildung",
        "Schule",
        "Hochschule",
        "Universität",
        "Volkshochschule",
        "VHS",
        "Bildungseinrichtung",
        "Bildungsträger",
        "School",
        "University",
    ],
    "faith_community": [
        "Kirchengemeinde",
        "Kirche",
        "Gemeinde (Kirche)",
        "Moscheegemeinde",
        "Moscheeverein",
        "Moschee",
        "Synagoge",
        "Glaubensgemeinschaft",
        "Religionsgemeinschaft",
        "Religiöse Gemeinschaft",
        "Church",
        "Religious community",
        "Mosque",
    ],
    "foundation": ["Stiftung", "Foundation"],
    "business": ["Unternehmen", "Firma", "Wirtschaft", "Company", "Enterprise"],
    "network": ["Netzwerk", "Dachverband", "Verband", "Bündnis", "Network", "Umbrella"],
    "other": ["Sonstige", "Sonstiges", "Andere", "Other"],
}

TOPIC_SYNONYMS = {
    "sdg-1": ["Armut", "Armutsbekämpfung", "Poverty"],
    "sdg-2": ["Hunger", "Ernährung", "Landwirtschaft", "Food", "Agriculture"],
    "sdg-3": ["Gesundheit", "Medizin", "Health", "Healthcare"],
    "sdg-4": ["Bildung", "Schulbildung", "Ausbildung", "Education"],
    "sdg-5": ["Gleichstellung", "Gleichberechtigung", "Frauen", "Gender", "Frauenrechte"],
    "sdg-6": ["Wasser", "Trinkwasser", "Sanitär", "Water", "Sanitation", "WASH"],
    "sdg-7": ["Energie", "Erneuerbare Energien", "Energy", "Renewable energy"],
    "sdg-8": ["Arbeit", "Beschäftigung", "Wirtschaft", "Employment", "Work"],
    "sdg-9": ["Infrastruktur", "Innovation", "Industrie", "Infrastructure"],
    "sdg-10": ["Ungleichheit", "Inequality", "Inklusion", "Inclusion"],
    "sdg-11": ["Stadtentwicklung", "Städte", "Cities", "Urban development"],
    "sdg-12": ["Konsum", "Nachhaltiger Konsum", "Consumption"],
    "sdg-13": ["Klimaschutz", "Klima", "Klimawandel", "Climate", "Climate protection"],
    "sdg-14": ["Meere", "Meeresschutz", "Ocean", "Oceans"],
    "sdg-15": ["Umwelt", "Umweltschutz", "Naturschutz", "Biodiversität", "Environment"],
    "sdg-16": ["Frieden", "Demokratie", "Gerechtigkeit", "Peace", "Governance"],
    "sdg-17": ["Partnerschaft", "Partnerschaften", "Partnership", "Partnerships"],
    "global-learning": ["Globales Lernen", "Global learning"],
    "migration-development": ["Migration", "Migration und Entwicklung", "Diaspora"],
    "fair-trade-education": ["Fairer Handel", "Fair Trade", "Fairtrade"],
    "human-rights": ["Menschenrechte", "Human rights"],
    "climate-justice": ["Klimagerechtigkeit", "Climate justice"],
    "anti-racism": ["Antirassismus", "Rassismus", "Diversität", "Anti-racism", "Diversity"],
    "intercultural-learning": ["Interkulturell", "Interkulturelles Lernen", "Intercultural"],
    "esd": ["BNE", "ESD", "Bildung für nachhaltige Entwicklung"],
    "postcolonial": ["Postkolonial", "Kolonialismus", "Postcolonial", "Colonialism"],
}

ENGAGEMENT_FORM_SYNONYMS = {
    "aid-projects": ["Projekte", "Hilfsprojekt", "Projektarbeit", "Projects", "Aid"],
    "remittances": ["Rücküberweisungen", "Überweisungen", "Spenden", "Remittance", "Donations"],
    "knowledge-transfer": ["Wissen", "Beratung", "Knowledge", "Expertise"],
    "contacts-networks": ["Kontakte", "Netzwerke", "Vernetzung", "Networking", "Contacts"],
    "development-education": ["Bildungsarbeit", "Bildung", "Education", "Awareness raising"],
    "fair-trade": ["Fairer Handel", "Fair Trade", "Fairtrade"],
    "other": ["Sonstige", "Andere", "Other"],
}

COUNTRY_SYNONYMS = {
    "US": ["USA", "Vereinigte Staaten", "Amerika", "United States of America"],
    "GB": ["Großbritannien", "England", "UK", "Britain", "Vereinigtes Königreich"],
    "CI": ["Elfenbeinküste", "Ivory Coast", "Cote d'Ivoire"],
    "CD": ["DR Kongo", "Demokratische Republik Kongo", "DRC", "Kongo-Kinshasa"],
    "CG": ["Kongo-Brazzaville", "Republik Kongo"],
    "TR": ["Türkiye", "Turkey"],
    "CZ": ["Tschechei", "Czech Republic"],
    "NL": ["Holland"],
    "MM": ["Burma", "Birma"],
    "SZ": ["Swasiland", "Swaziland"],
    "CV": ["Kapverden", "Cabo Verde", "Cape Verde"],
    "PS": ["Palästina", "Palestine"],
    "KR": ["Südkorea", "South Korea", "Korea"],
    "KP": ["Nordkorea", "North Korea"],
    "RU": ["Russische Föderation"],
    "IR": ["Persien"],
    "SY": ["Syrien"],
    "VN": ["Viet Nam"],
    "LA": ["Laos"],
    "MK": ["Mazedonien", "Macedonia"],
    "BO": ["Bolivia"],
    "VE": ["Venezuela"],
    "TZ": ["Tanzania"],
    "DE": ["BRD", "Deutschland"],
}

LANGUAGE_SYNONYMS = {
    "fa": ["Farsi", "Persisch", "Dari"],
    "ar": ["Arabic"],
    "ku": ["Kurmandschi", "Kurmanji", "Sorani"],
    "tw": ["Twi", "Akan"],
    "sw": ["Kisuaheli", "Kiswahili", "Suaheli"],
    "zh": ["Mandarin", "Chinesisch"],
    "de": ["Deutsch", "German"],
    "en": ["Englisch", "English"],
    "fr": ["Französisch", "French"],
    "es": ["Spanisch", "Spanish"],
    "pt": ["Portugiesisch", "Portuguese"],
    "tr": ["Türkisch", "Turkish"],
}

TIE_KIND_SYNONYMS = {
    "cooperation": ["Kooperation", "Zusammenarbeit", "Cooperation"],
    "joint_project": ["Projekt", "Gemeinsames Projekt", "Project"],
    "funding": ["Förderung", "Finanzierung", "Zuschuss", "Funding"],
    "network_membership": ["Netzwerkmitglied", "Mitgliedschaft", "Mitglied im Netzwerk"],
    "partnership": ["Partnerschaft", "Partnership"],
}

PARTNERSHIP_KIND_SYNONYMS = {
    "city": ["Städtepartnerschaft", "Stadtpartnerschaft", "Partnerstadt", "Twinning"],
    "district": ["Kreispartnerschaft", "Bezirkspartnerschaft"],
    "project": ["Projektpartnerschaft"],
    "climate": ["Klimapartnerschaft", "Kommunale Klimapartnerschaft"],
    "friendship": ["Freundschaft", "Städtefreundschaft", "Freundschaftsvertrag"],
    "school_exchange": ["Schulpartnerschaft", "Schüleraustausch", "Schulaustausch"],
    "other": ["Sonstige", "Andere"],
}

SDG_NUMBER = re.compile(r"^\s*(?:sdg|ziel|goal|nachhaltigkeitsziel)?\s*[-.:#]?\s*(\d{1,2})\b")


class Vocabulary:
    """Known values of one kind: entries of (code, German name, English name, value)."""

    name = ""
    label = ""
    synonyms = {}

    def __init__(self):
        self.by_code = {}
        self.labels = {}
        self.exact = {}
        for code, name_de, name_en, value, more in self.entries():
            self.by_code[code] = value
            self.labels[code] = (name_de, name_en)
            for name in (code, name_de, name_en, *more):
                if name:
                    self.exact.setdefault(value_key(str(name)), code)
        self.proposals = {}
        for code, words in self.synonyms.items():
            if code in self.by_code:
                for word in words:
                    self.proposals.setdefault(value_key(word), code)
        self.extra_proposals()
        # Every name that may stand for a code, for the searches inside a value.
        self.names = {**self.proposals, **self.exact}
        self.long_names = sorted(
            (key for key in self.names if len(key) >= MIN_PART), key=len, reverse=True
        )

    def entries(self):
        """(code, name_de, name_en, value, more names)."""
        return []

    def extra_proposals(self):
        """More proposals than the synonyms (the SDG short titles)."""

    def get(self, raw):
        """The value the text names exactly (by code or name), or None."""
        code = self.exact.get(value_key(raw))
        return None if code is None else self.by_code[code]

    def code_of_text(self, raw):
        return self.exact.get(value_key(raw))

    def value(self, code):
        return self.by_code.get(code)

    def label_of(self, code):
        """The name of a code in the active language."""
        if code not in self.labels:
            return ""
        name_de, name_en = self.labels[code]
        return name_de if (translation.get_language() or "de").startswith("de") else name_en

    def options(self):
        """(code, name in the active language), by name: what a picker offers."""
        return sorted(
            ((code, self.label_of(code)) for code in self.by_code),
            key=lambda option: normalise(option[1]),
        )

    def propose(self, raw):
        """The code the unknown value most likely means, or None."""
        key = value_key(raw)
        if not key:
            return None
        if key in self.names:
            return self.names[key]
        if len(key) > FUZZY_LIMIT * 3:
            return None
        # A known name inside the value ("Ev. Kirchengemeinde Bonn"), the longest first.
        for name in self.long_names:
            if name in key:
                return self.names[name]
        # The value as the start of a known name ("Sauberes Wasser").
        if len(key) >= MIN_PART + 1:
            for name in sorted(self.names, key=len):
                if name.startswith(key):
                    return self.names[name]
        if len(key) > FUZZY_LIMIT:
            return None
        close = difflib.get_close_matches(key, list(self.names), n=1, cutoff=0.8)
        return self.names[close[0]] if close else None


class ChoiceVocabulary(Vocabulary):
    choices = None
    aliases = {}  # {code: names} taken as exact as the labels

    def entries(self):
        for value, label in self.choices.choices:
            with translation.override("de"):
                name_de = str(label)
            with translation.override("en"):
                name_en = str(label)
            yield value, name_de, name_en, value, tuple(self.aliases.get(value, ()))


class ModelVocabulary(Vocabulary):
    model = None

    def queryset(self):
        return self.model.objects.all()

    def more_names(self, obj):
        return ()

    def entries(self):
        for obj in self.queryset():
            yield obj.code, obj.name_de, obj.name_en, obj, tuple(self.more_names(obj))


class OrganisationKinds(ChoiceVocabulary):
    name = "organisation_kind"
    label = gettext_lazy("kind of organisation")
    choices = OrganisationKind
    synonyms = KIND_SYNONYMS
    # The short forms everyone writes, understood without asking (as before value mapping).
    aliases = {
        "migrant_organisation": ["MSO", "Migrantenorganisation", "Migrantenselbstorganisation"],
        "administration": ["Verwaltung", "Kommunalverwaltung"],
        "ngo": ["NRO", "NGO"],
        "education": ["Schule", "Bildungseinrichtung"],
        "faith_community": ["Glaubensgemeinschaft", "Religionsgemeinschaft"],
        "foundation": ["Stiftung"],
        "business": ["Unternehmen"],
        "network": ["Netzwerk"],
        "other": ["Sonstige", "Sonstiges"],
    }


class TieKinds(ChoiceVocabulary):
    name = "tie_kind"
    label = gettext_lazy("kind of tie")
    choices = TieKind
    synonyms = TIE_KIND_SYNONYMS
    aliases = {
        "cooperation": ["Kooperation"],
        "funding": ["Förderung"],
        "joint_project": ["Projekt"],
    }


class PartnershipKinds(ChoiceVocabulary):
    name = "partnership_kind"
    label = gettext_lazy("kind of partnership")
    choices = PartnershipKind
    synonyms = PARTNERSHIP_KIND_SYNONYMS
    aliases = {"city": ["Städtepartnerschaft"], "climate": ["Klimapartnerschaft"]}


class Topics(ModelVocabulary):
    name = "topic"
    label = gettext_lazy("topic")
    model = Topic
    synonyms = TOPIC_SYNONYMS

    def more_names(self, obj):
        if obj.group == Topic.Group.SDG:
            # "SDG 4", "sdg 4"
            yield obj.code.replace("-", " ")

    def extra_proposals(self):
        for number, titles in enumerate(SDGS, start=1):
            code = f"sdg-{number}"
            if code in self.by_code:
                for title in titles:
                    self.proposals.setdefault(value_key(title), code)

    def propose(self, raw):
        match = SDG_NUMBER.match(str(raw).casefold())
        if match and 1 <= int(match.group(1)) <= 17:
            code = f"sdg-{int(match.group(1))}"
            if code in self.by_code:
                return code
        return super().propose(raw)


class EngagementForms(ModelVocabulary):
    name = "engagement_form"
    label = gettext_lazy("form of engagement")
    model = EngagementForm
    synonyms = ENGAGEMENT_FORM_SYNONYMS


class Countries(ModelVocabulary):
    name = "country"
    label = gettext_lazy("country")
    model = Country
    synonyms = COUNTRY_SYNONYMS

    def __init__(self):
        self._iso = _pycountry_names("countries")
        super().__init__()

    def more_names(self, obj):
        return self._iso.get(obj.code, ())


class Languages(ModelVocabulary):
    name = "language"
    label = gettext_lazy("language")
    model = Language
    synonyms = LANGUAGE_SYNONYMS

    def __init__(self):
        self._iso = _pycountry_names("languages")
        super().__init__()

    def more_names(self, obj):
        return self._iso.get(obj.code, ())


def _pycountry_names(database):
    """{alpha-2: (alpha-3, official and common names)} from pycountry, if installed."""
    try:
        import pycountry
    except ImportError:  # pragma: no cover - a dependency of the reference data
        return {}
    names = {}
    for item in getattr(pycountry, database):
        code = getattr(item, "alpha_2", None)
        if code:
            names[code] = tuple(
                name
                for name in (
                    getattr(item, "alpha_3", None),
                    getattr(item, "official_name", None),
                    getattr(item, "common_name", None),
                    getattr(item, "name", None),
                )
                if name
            )
    return names


VOCABULARIES = {
    vocabulary.name: vocabulary
    for vocabulary in (
        OrganisationKinds,
        TieKinds,
        PartnershipKinds,
        Topics,
        EngagementForms,
        Countries,
        Languages,
    )
}
