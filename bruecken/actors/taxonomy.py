"""The topic taxonomy and the forms of engagement.

SDG titles: the United Nations' short titles of the 2030 Agenda's goals in English, and the
German federal government's (bundesregierung.de, "Die 17 Ziele für nachhaltige Entwicklung")."""

from django.db import transaction

from .models import EngagementForm, Topic

SDGS = [
    ("Keine Armut", "No poverty"),
    ("Kein Hunger", "Zero hunger"),
    ("Gesundheit und Wohlergehen", "Good health and well-being"),
    ("Hochwertige Bildung", "Quality education"),
    ("Geschlechtergleichheit", "Gender equality"),
    ("Sauberes Wasser und Sanitäreinrichtungen", "Clean water and sanitation"),
    ("Bezahlbare und saubere Energie", "Affordable and clean energy"),
    ("Menschenwürdige Arbeit und Wirtschaftswachstum", "Decent work and economic growth"),
    ("Industrie, Innovation und Infrastruktur", "Industry, innovation and infrastructure"),
    ("Weniger Ungleichheiten", "Reduced inequalities"),
    ("Nachhaltige Städte und Gemeinden", "Sustainable cities and communities"),
    ("Nachhaltige/r Konsum und Produktion", "Responsible consumption and production"),
    ("Maßnahmen zum Klimaschutz", "Climate action"),
    ("Leben unter Wasser", "Life below water"),
    ("Leben an Land", "Life on land"),
    ("Frieden, Gerechtigkeit und starke Institutionen", "Peace, justice and strong institutions"),
    ("Partnerschaften zur Erreichung der Ziele", "Partnerships for the goals"),
]

EDUCATION_TOPICS = [
    ("global-learning", "Globales Lernen", "Global learning"),
    ("esd", "Bildung für nachhaltige Entwicklung", "Education for sustainable development"),
    ("migration-development", "Migration und Entwicklung", "Migration and development"),
    (
        "fair-trade-education",
        "Fairer Handel und kritischer Konsum",
        "Fair trade and critical consumption",
    ),
    ("intercultural-learning", "Interkulturelles Lernen", "Intercultural learning"),
    ("anti-racism", "Rassismuskritik und Diversität", "Anti-racism and diversity"),
    ("human-rights", "Menschenrechte", "Human rights"),
    ("climate-justice", "Klimagerechtigkeit", "Climate justice"),
    ("postcolonial", "Postkoloniale Perspektiven", "Postcolonial perspectives"),
]

ENGAGEMENT_FORMS = [
    ("aid-projects", "Hilfsprojekte", "Aid projects"),
    ("remittances", "Geldüberweisungen", "Remittances"),
    ("knowledge-transfer", "Wissenstransfer", "Knowledge transfer"),
    ("contacts-networks", "Kontakte und Netzwerke", "Contacts and networks"),
    ("development-education", "Entwicklungspolitische Bildungsarbeit", "Development education"),
    ("fair-trade", "Fairer Handel", "Fair trade"),
    ("other", "Sonstiges", "Other"),
]


@transaction.atomic
def load_taxonomy():
    for number, (name_de, name_en) in enumerate(SDGS, start=1):
        Topic.objects.update_or_create(
            code=f"sdg-{number}",
            defaults={
                "group": Topic.Group.SDG,
                "position": number,
                "name_de": f"SDG {number}: {name_de}",
                "name_en": f"SDG {number}: {name_en}",
            },
        )
    for offset, (code, name_de, name_en) in enumerate(EDUCATION_TOPICS, start=100):
        Topic.objects.update_or_create(
            code=code,
            defaults={
                "group": Topic.Group.EDUCATION,
                "position": offset,
                "name_de": name_de,
                "name_en": name_en,
            },
        )
    for position, (code, name_de, name_en) in enumerate(ENGAGEMENT_FORMS):
        EngagementForm.objects.update_or_create(
            code=code, defaults={"position": position, "name_de": name_de, "name_en": name_en}
        )
