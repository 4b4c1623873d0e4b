"""Demo content of the public website: three news articles (one about Leipzig, with a picture)
and the four pages every installation needs (imprint, privacy policy, accessibility statement,
a summary in Leichte Sprache), in German and English.

The office named here is invented; a real installation replaces the texts in the editorial area.
The demo program office writes them through the website's services (so each has its audit entry).
Safe to run again: what exists already (by address, or a page with the same purpose) is left."""

import io
import math
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override
from PIL import Image as PILImage
from PIL import ImageDraw

from bruecken.places.models import Municipality
from bruecken.website.models import NewsArticle, Page
from bruecken.website.services import create_news_article, create_page, upload_image

from .accounts import demo_office

LEIPZIG = "14713000"
DEMO_NOTE_DE = "*Diese Meldung gehört zu den Demo-Daten; Personen und Vereine sind erfunden.*"
DEMO_NOTE_EN = "*This article is part of the demo data; people and associations are invented.*"

NEWS = [
    {
        "slug": "leipzig-erweiterter-workshop",
        "days_ago": 3,
        "municipality": LEIPZIG,
        "image": True,
        "title": "Leipzig lädt zum ersten erweiterten Workshop ein",
        "title_en": "Leipzig invites to its first extended workshop",
        "summary": "Verwaltung, Eine-Welt-Gruppen und Vereine der äthiopischen Diaspora planen "
        "gemeinsam, wie die Partnerschaft mit Addis Abeba neuen Schwung bekommt.",
        "summary_en": "The city administration, One World groups and associations of the "
        "Ethiopian diaspora plan together how to give the partnership with Addis Ababa new "
        "momentum.",
        "body": """Im Initiativworkshop haben zwölf Verantwortliche aus Stadtverwaltung, \
Vereinen und Migrantenorganisationen die Ziele des lokalen Prozesses festgelegt. Im ersten \
erweiterten Workshop geht es nun darum, mehr Menschen zu beteiligen.

## Worum es geht

- Die Städtepartnerschaft mit Addis Abeba besteht seit 2004. Vereine der äthiopischen \
Diaspora bringen Kontakte und Fachwissen mit, die bisher selten genutzt werden.
- Schulen und Weltläden suchen Referentinnen und Referenten für Globales Lernen.
- Gemeinsam sollen zwei konkrete Projektideen entstehen.

## Mitmachen

Der Workshop ist offen für alle, die sich in Leipzig für Entwicklungszusammenarbeit \
engagieren. Die Plätze sind begrenzt; Sie finden den Termin im Veranstaltungskalender.

""",
        "body_en": """At the initiative workshop, twelve decision makers from the city \
administration, associations and migrant organisations set the goals of the local process. The \
first extended workshop is about involving more people.

## What it is about

- Leipzig and Addis Ababa have been partner cities since 2004. Associations of the Ethiopian \
diaspora bring contacts and expertise that have rarely been used so far.
- Schools and fair-trade shops are looking for speakers on global learning.
- Together, the participants want to develop two concrete project ideas.

## Taking part

The workshop is open to everyone in Leipzig who works for development cooperation. Places are \
limited; you find the date in the events calendar.

""",
    },
    {
        "slug": "beratungsseminare-fuer-migrantenorganisationen",
        "days_ago": 12,
        "title": "Beratungsseminare für Migrantenorganisationen",
        "title_en": "Advisory seminars for migrant organisations",
        "summary": "Wie wird aus Engagement im Herkunftsland ein Angebot der Bildungsarbeit? "
        "Die Servicestelle bietet dazu kostenlose Seminare an.",
        "summary_en": "How does work in the country of origin become an offer of development "
        "education? The program office offers free seminars on this question.",
        "body": """Viele Migrantenorganisationen unterstützen Projekte in ihren \
Herkunftsländern: mit Spenden, mit Wissen, mit Kontakten. Davon können auch Schulen, \
Bildungsstätten und Kommunen in Deutschland lernen.

## Was die Seminare bieten

1. Grundlagen der entwicklungspolitischen Bildungsarbeit
2. Fördermöglichkeiten und wie man einen Antrag stellt
3. Austausch mit Vereinen aus anderen Modellkommunen

## Anmeldung

Sie brauchen kein Benutzerkonto. Melden Sie sich auf der Seite des Seminars mit Ihrem Namen und \
Ihrer E-Mail-Adresse an; Sie bekommen eine E-Mail mit einem Link, der die Anmeldung bestätigt.

""",
        "body_en": """Many migrant organisations support projects in their countries of origin: \
with donations, knowledge and contacts. Schools, educational centres and municipalities in \
Germany can learn from this, too.

## What the seminars offer

1. The basics of development education
2. Funding and how to apply for it
3. Exchange with associations from other model municipalities

## Registration

You do not need an account. Register on the seminar's page with your name and e-mail address; \
you will receive an e-mail with a link that confirms your registration.

""",
    },
    {
        "slug": "das-programm-startet",
        "days_ago": 40,
        "title": "Fünf Modellkommunen, ein Ziel: Das Programm startet",
        "title_en": "Five model municipalities, one goal: the program starts",
        "summary": "Bonn, Kiel, Leipzig, München und der Kreis Düren bringen "
        "Migrantenorganisationen und kommunale Eine-Welt-Arbeit zusammen.",
        "summary_en": "Bonn, Kiel, Leipzig, Munich and the district of Düren bring migrant "
        "organisations and municipal One World work together.",
        "body": """In jeder Modellkommune beginnt ein lokaler Prozess mit vier Workshops: einem \
Initiativworkshop, zwei erweiterten Workshops und einem Auswertungsworkshop. Dazu kommen ein \
Erfahrungsaustausch zwischen den Kommunen und Beratungsseminare für Migrantenorganisationen.

## Was Sie hier finden

- den Stand der lokalen Prozesse in jeder Modellkommune,
- alle öffentlichen Veranstaltungen im Kalender,
- ein Verzeichnis der Organisationen, die ihrer Veröffentlichung zugestimmt haben.

Die Ergebnisse der fünf Kommunen fließen am Ende in einen Handlungsleitfaden für andere \
Kommunen ein.

""",
        "body_en": """Each model municipality starts a local process with four workshops: an \
initiative workshop, two extended workshops and an evaluation workshop. In addition, there is \
an exchange between the municipalities and advisory seminars for migrant organisations.

## What you find here

- the state of the local process in each model municipality,
- all public events in the calendar,
- a directory of the organisations that agreed to be published.

In the end, the results of the five municipalities go into a guideline for other \
municipalities.

""",
    },
]

IMPRINT_DE = """## Angaben nach § 5 Digitale-Dienste-Gesetz

**Demo-Servicestelle Brücken** – erfundene Angaben für die Demo-Installation
Musterstraße 1
12345 Musterstadt

Vertreten durch: Erika Mustermann (Leitung, erfunden)

## Kontakt

E-Mail: servicestelle@demo.example
Für Nachrichten an uns gibt es auch das [Kontaktformular](/de/contact/).

## Verantwortlich für den Inhalt nach § 18 Abs. 2 Medienstaatsvertrag

Erika Mustermann, Anschrift wie oben

## Hinweis zur Demo

Dies ist eine Demo-Installation der Software Brücken. Alle Angaben auf dieser Seite sind \
erfunden. Wer Brücken betreibt, ersetzt sie im Redaktionsbereich durch die Angaben der eigenen \
Stelle.

## Software

Brücken ist freie Software unter der GNU Affero General Public License, Version 3 oder später.
"""

IMPRINT_EN = """## Information under section 5 of the German Digital Services Act (DDG)

**Demo-Servicestelle Brücken** – invented details for the demo installation
Musterstraße 1
12345 Musterstadt
Germany

Represented by: Erika Mustermann (head of office, invented)

## Contact

E-mail: servicestelle@demo.example
You can also write to us through the [contact form](/en/contact/).

## Responsible for the content under section 18 (2) of the Interstate Media Treaty

Erika Mustermann, address as above

## About this demo

This is a demo installation of the Brücken software. All details on this page are invented. \
Whoever runs Brücken replaces them with their own office's details in the editorial area.

## Software

Brücken is free software under the GNU Affero General Public License, version 3 or later.
"""

PRIVACY_DE = """Wir nehmen den Schutz Ihrer Daten ernst. Hier steht, welche Daten diese Website \
verarbeitet, wozu, wie lange, und welche Rechte Sie haben.

## Verantwortliche Stelle

Verantwortlich ist die Demo-Servicestelle Brücken (Anschrift im [Impressum](/de/imprint/)). \
Unsere Datenschutzbeauftragte erreichen Sie unter datenschutz@demo.example (erfundene Adresse).

## Keine Verfolgung, keine Dritten

- Wir verwenden keine Analyse- oder Werbedienste und erstellen keine Nutzungsprofile.
- Alles, was Ihr Browser auf dieser Website lädt – Texte, Bilder, Schriften, Skripte –, kommt \
von unserem eigenen Server. Wir binden keine Inhalte anderer Anbieter ein: keine Karten, Videos, \
Schriftarten oder Schaltflächen sozialer Netzwerke.
- Wir geben Ihre Daten nicht an Dritte weiter und übermitteln sie nicht in Länder außerhalb der \
Europäischen Union.

## Beim Besuch der Website

Um Seiten auszuliefern, verarbeitet der Server technisch notwendige Angaben wie die IP-Adresse, \
die aufgerufene Adresse und den Zeitpunkt. Wir werten sie nicht aus.

Damit niemand die Formulare massenhaft missbraucht, zählen wir, wie viele Nachrichten von einer \
Verbindung aus gesendet werden. Dafür speichern wir einen nicht umkehrbaren Hashwert der \
IP-Adresse für höchstens eine Stunde.

Cookies setzen wir nur, wo sie technisch nötig sind: ein Sicherheits-Cookie für Formulare (Schutz \
vor untergeschobenen Anfragen) und ein Sitzungs-Cookie, wenn Sie sich anmelden. Dafür ist keine \
Einwilligung nötig (§ 25 Abs. 2 TDDDG).

## Kontaktformular und Rückmeldungen zur Barrierefreiheit

Wenn Sie uns schreiben, speichern wir Ihre E-Mail-Adresse, Ihren Namen (freiwillig), den Betreff, \
Ihre Nachricht und die Sprache der Seite, um Ihnen zu antworten. Die Nachricht geht per E-Mail an \
die Servicestelle. Rechtsgrundlage ist Art. 6 Abs. 1 Buchst. e DSGVO (Wahrnehmung unserer \
Aufgaben). Wann wir sie löschen, steht unten unter „Wie lange wir Daten aufbewahren“.

## Verzeichnis der Organisationen

Ein Profil erscheint im öffentlichen Verzeichnis nur, wenn die Organisation zugestimmt hat. \
Angaben wie Herkunftsländer können Rückschlüsse auf die ethnische Herkunft zulassen; deshalb \
verarbeiten wir sie auf Grundlage Ihrer ausdrücklichen Einwilligung (Art. 6 Abs. 1 Buchst. a und \
Art. 9 Abs. 2 Buchst. a DSGVO). Sie können die Einwilligung jederzeit mit Wirkung für die Zukunft \
widerrufen (Art. 7 Abs. 3 DSGVO); das Profil verschwindet dann sofort von der Website.

## Anmeldung zu Veranstaltungen

Für die Anmeldung zu einem Workshop oder Seminar speichern wir Ihren Namen, Ihre E-Mail-Adresse \
und Ihre Anmeldung, um die Veranstaltung zu organisieren und Sie über Änderungen zu informieren \
(Art. 6 Abs. 1 Buchst. b und e DSGVO).
"""

PRIVACY_EN = """We take the protection of your data seriously. This page says which data this \
website processes, for what purpose, for how long, and which rights you have.

## Controller

The controller is the Demo-Servicestelle Brücken (address in the [imprint](/en/imprint/)). You \
can reach our data protection officer at datenschutz@demo.example (an invented address).

## No tracking, no third parties

- We use no analytics or advertising services and build no usage profiles.
- Everything your browser loads on this website – texts, pictures, fonts, scripts – comes from \
our own server. We embed no content from other providers: no maps, videos, fonts or social media \
buttons.
- We do not pass your data on to third parties and do not transfer it to countries outside the \
European Union.

## When you visit the website

To deliver pages, the server processes technically necessary data such as the IP address, the \
address requested and the time. We do not analyse them.

So that nobody misuses the forms on a large scale, we count how many messages are sent from one \
connection. For this, we keep an irreversible hash of the IP address for one hour at most.

We only set cookies where they are technically necessary: a security cookie for forms (protection \
against forged requests) and a session cookie when you log in. They need no consent (section 25 \
(2) of the German TDDDG).

## Contact form and accessibility feedback

When you write to us, we store your e-mail address, your name (optional), the subject, your \
message and the language of the page, in order to answer you. The message is forwarded by e-mail \
to the program office. The legal basis is Art. 6 (1) (e) GDPR (performance of our tasks). When \
we delete it is stated below under "How long we keep data".

## Directory of organisations

A profile appears in the public directory only if the organisation has agreed. Details such as \
countries of origin may reveal ethnic origin; we therefore process them on the basis of explicit \
consent (Art. 6 (1) (a) and Art. 9 (2) (a) GDPR). You can withdraw consent at any time with \
effect for the future (Art. 7 (3) GDPR); the profile then disappears from the website at once.

## Registering for events

When you register for a workshop or seminar, we store your name, your e-mail address and your \
registration, to organise the event and to tell you about changes (Art. 6 (1) (b) and (e) GDPR).
"""

ACCESSIBILITY_DE = """Die Demo-Servicestelle Brücken ist bemüht, ihre Website im Einklang mit \
dem Behindertengleichstellungsgesetz (BGG) und der Barrierefreie-Informationstechnik-Verordnung \
(BITV 2.0) zur Umsetzung der Richtlinie (EU) 2016/2102 barrierefrei zugänglich zu machen. Diese \
Erklärung gilt für die öffentliche Website von Brücken.

## Stand der Vereinbarkeit mit den Anforderungen

Diese Website ist wegen der unten genannten Ausnahmen **teilweise** mit der BITV 2.0 vereinbar. \
Maßstab sind die Erfolgskriterien der WCAG 2.1 auf den Stufen A und AA.

## Nicht barrierefreie Inhalte

- **Dokumente von Veranstaltungen:** PDF- und Office-Dateien, die zu Workshops hochgeladen \
werden, stammen oft von Dritten und sind nicht immer barrierefrei. Auf Anfrage senden wir Ihnen \
die Inhalte in einer zugänglichen Form.
- **Gebärdensprache:** Erläuterungen in Deutscher Gebärdensprache gibt es noch nicht.
- **Leichte Sprache:** In Leichter Sprache gibt es bisher eine Zusammenfassung, nicht alle Inhalte.
- **Englische Fassung:** Nicht alle Texte gibt es auf Englisch; wo eine Übersetzung fehlt, steht \
der deutsche Text, entsprechend ausgezeichnet.

## Erstellung dieser Erklärung

Diese Erklärung wurde am {date} erstellt. Sie beruht auf einer Selbstbewertung: Jede Seitenart \
wird bei jeder Änderung der Software automatisch mit axe-core geprüft, dazu kommen Tests mit der \
Tastatur allein und mit einem Screenreader.

## Feedback und Kontakt

Ist Ihnen auf dieser Website eine Barriere aufgefallen? Oder brauchen Sie Informationen in einer \
zugänglichen Form? Nutzen Sie das **Formular unten auf dieser Seite**, oder schreiben Sie an \
barrierefreiheit@demo.example (erfundene Adresse). Wir antworten Ihnen so schnell wie möglich.

## Schlichtungsverfahren

Wenn Sie auf Ihre Rückmeldung keine zufriedenstellende Antwort erhalten, können Sie sich an die \
Schlichtungsstelle nach § 16 BGG wenden. Sie hilft, Streitigkeiten zwischen Menschen mit \
Behinderungen und öffentlichen Stellen des Bundes außergerichtlich zu lösen. Das \
Schlichtungsverfahren ist kostenlos; Sie brauchen keinen Rechtsbeistand.

Schlichtungsstelle nach dem Behindertengleichstellungsgesetz bei dem Beauftragten der \
Bundesregierung für die Belange von Menschen mit Behinderungen: \
[www.schlichtungsstelle-bgg.de](https://www.schlichtungsstelle-bgg.de)
"""

ACCESSIBILITY_EN = """The Demo-Servicestelle Brücken strives to make its website accessible in \
accordance with the German Disability Equality Act (BGG) and the Barrier-Free Information \
Technology Ordinance (BITV 2.0), which implement Directive (EU) 2016/2102. This statement applies \
to the public website of Brücken.

## Compliance status

Because of the exceptions listed below, this website is **partially** compliant with BITV 2.0. \
The measure is the success criteria of WCAG 2.1 at levels A and AA.

## Non-accessible content

- **Event documents:** PDF and office files uploaded for workshops often come from third parties \
and are not always accessible. On request we send you their content in an accessible form.
- **Sign language:** There are no explanations in German Sign Language yet.
- **Easy-to-read language:** So far there is a summary in easy-to-read German, not all content.
- **English version:** Not every text exists in English; where a translation is missing, the \
German text is shown and marked as German.

## Preparation of this statement

This statement was prepared on {date}. It is based on a self-assessment: every type of page is \
checked automatically with axe-core whenever the software changes, plus tests with the keyboard \
alone and with a screen reader.

## Feedback and contact

Have you come across a barrier on this website? Or do you need information in an accessible \
form? Use the **form at the bottom of this page**, or write to barrierefreiheit@demo.example (an \
invented address). We will answer you as soon as we can.

## Enforcement procedure

If you do not receive a satisfactory answer to your feedback, you can turn to the conciliation \
body under section 16 BGG (Schlichtungsstelle BGG). It helps to settle disputes between people \
with disabilities and federal public bodies out of court. The procedure is free of charge; you do \
not need a lawyer.

Conciliation body under the Disability Equality Act at the Federal Government Commissioner for \
Matters relating to Persons with Disabilities: \
[www.schlichtungsstelle-bgg.de](https://www.schlichtungsstelle-bgg.de)
"""

EASY_LANGUAGE_DE = """## Was ist Brücken?

Brücken ist eine Internet-Seite.
Auf der Seite geht es um ein Programm.
Ein Programm ist ein Plan.
Zu dem Plan gehören viele Treffen.

## Wer macht mit?

Viele Menschen in Deutschland kommen aus einem anderen Land.
Manche helfen den Menschen in ihrem Heimat-Land.
Sie helfen oft zusammen in einem Verein.
Diese Vereine heißen: Migranten-Organisationen.

Auch Städte in Deutschland machen mit.
Diese Städte sind dabei: Bonn, Kiel, Leipzig und München.
Der Kreis Düren ist auch dabei.
Ein Kreis ist eine Gruppe von Orten.

## Was passiert im Programm?

Die Vereine und die Städte treffen sich.
Diese Treffen heißen: Workshops.
Ein Workshop ist ein Treffen zum Arbeiten.
Dort reden alle miteinander.
Sie planen zusammen Projekte.
Ein Projekt ist eine Arbeit mit einem Ziel.

## Was finden Sie auf dieser Internet-Seite?

- Sie finden Neuigkeiten aus dem Programm.
- Sie finden die Termine für die Workshops.
- Sie finden eine Liste mit Vereinen.
  Jeder Verein auf der Liste hat gesagt:
  Sie dürfen unseren Namen zeigen.

## Haben Sie eine Frage?

Dann schreiben Sie uns.
Dafür gibt es ein Formular.
Das Formular ist auf der Seite [Kontakt](/de/contact/).

## Gibt es ein Problem mit dieser Internet-Seite?

Vielleicht können Sie etwas nicht lesen.
Oder Sie können etwas nicht benutzen.
Dann sagen Sie es uns bitte.
Das geht auf der Seite [Barriere-Freiheit](/de/accessibility/).
"""

EASY_LANGUAGE_EN = """## What is Brücken?

Brücken is a website.
The website is about a program.
A program is a plan.
The plan has many meetings.

## Who takes part?

Many people in Germany come from another country.
Some of them help people in their home country.
They often help together in a club.
These clubs are called: migrant organisations.

Some towns in Germany take part, too.
These towns take part: Bonn, Kiel, Leipzig and Munich.
The district of Düren takes part, too.
A district is a group of towns and villages.

## What happens in the program?

The clubs and the towns meet.
These meetings are called: workshops.
A workshop is a meeting where people work together.
Everybody talks with each other.
They plan projects together.
A project is a piece of work with a goal.

## What can you find on this website?

- You can find news about the program.
- You can find the dates of the workshops.
- You can find a list of clubs.
  Every club on the list has said:
  You may show our name.

## Do you have a question?

Then write to us.
There is a form for this.
The form is on the page [Contact](/en/contact/).

## Is there a problem with this website?

Maybe you cannot read something.
Or you cannot use something.
Then please tell us.
You can do this on the page [Accessibility](/en/accessibility/).
"""

PAGES = [
    {
        "slug": "impressum",
        "purpose": Page.Purpose.IMPRINT,
        "title": "Impressum",
        "title_en": "Imprint",
        "body": IMPRINT_DE,
        "body_en": IMPRINT_EN,
    },
    {
        "slug": "datenschutz",
        "purpose": Page.Purpose.PRIVACY,
        "title": "Datenschutzerklärung",
        "title_en": "Privacy policy",
        "body": PRIVACY_DE,
        "body_en": PRIVACY_EN,
    },
    {
        "slug": "barrierefreiheit",
        "purpose": Page.Purpose.ACCESSIBILITY,
        "title": "Erklärung zur Barrierefreiheit",
        "title_en": "Accessibility statement",
        "body": ACCESSIBILITY_DE,
        "body_en": ACCESSIBILITY_EN,
    },
    {
        "slug": "leichte-sprache",
        "purpose": Page.Purpose.EASY_LANGUAGE,
        "title": "Brücken in Leichter Sprache",
        "title_en": "Brücken in plain English",
        "body": EASY_LANGUAGE_DE,
        "body_en": EASY_LANGUAGE_EN,
    },
]


def demo_website_exists():
    slugs = [item["slug"] for item in NEWS]
    purposes = [item["purpose"] for item in PAGES]
    return NewsArticle.objects.filter(slug__in=slugs).count() == len(slugs) and Page.objects.filter(
        purpose__in=purposes
    ).count() == len(purposes)


def _bridge_picture(office):
    """A drawn picture for the demo (a photograph would need a licence): a bridge over a
    river between two banks."""
    picture = PILImage.new("RGB", (1200, 630), (214, 234, 248))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 470, 1200, 630), fill=(52, 110, 160))
    draw.polygon([(0, 400), (260, 430), (300, 630), (0, 630)], fill=(92, 140, 72))
    draw.polygon([(1200, 400), (940, 430), (900, 630), (1200, 630)], fill=(92, 140, 72))
    draw.arc((170, 240, 1030, 720), start=180, end=360, fill=(40, 40, 48), width=26)
    draw.rectangle((150, 410, 1050, 436), fill=(40, 40, 48))
    # Hangers from the deck up to the arch (an ellipse around (600, 480), radii 430 and 240).
    for x in range(280, 940, 80):
        top = 480 - 240 * math.sqrt(1 - ((x - 600) / 430) ** 2)
        draw.line((x, 418, x, top), fill=(40, 40, 48), width=8)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return upload_image(
        office,
        {
            "alt": "Zeichnung: eine Bogenbrücke verbindet zwei grüne Ufer über einem Fluss.",
            "alt_en": "Drawing: an arch bridge connects two green banks across a river.",
            "credit": "Brücken (Demo-Grafik)",
            "file": ContentFile(buffer.getvalue(), name="bruecke.png"),
        },
    )


@transaction.atomic
def create_demo_website(now=None, office=None):
    """Create what is missing of the demo content, written by `office` (the demo program office
    unless given); returns (news created, pages created)."""
    now = now or timezone.now()
    office = office or demo_office()
    news_created = pages_created = 0
    for item in NEWS:
        if NewsArticle.objects.filter(slug=item["slug"]).exists():
            continue
        values = {
            key: value
            for key, value in item.items()
            if key not in ("slug", "days_ago", "municipality", "image")
        }
        values["body"] += DEMO_NOTE_DE
        values["body_en"] += DEMO_NOTE_EN
        article = create_news_article(
            office,
            {
                **values,
                "is_published": True,
                "published_at": now - timedelta(days=item["days_ago"]),
                "municipality": Municipality.objects.filter(
                    ags=item.get("municipality") or ""
                ).first(),
                "image": _bridge_picture(office) if item.get("image") else None,
            },
        )
        # The service makes the address from the whole title; the demo keeps its shorter ones
        # (the browser tests open them, and running the demo again finds the articles by them).
        NewsArticle.objects.filter(pk=article.pk).update(slug=item["slug"])
        news_created += 1
    for item in PAGES:
        if Page.objects.filter(purpose=item["purpose"]).exists():
            continue
        if Page.objects.filter(slug=item["slug"]).exists():
            continue
        values = dict(item)
        if item["purpose"] == Page.Purpose.ACCESSIBILITY:
            today = timezone.localdate(now)
            with override("de"):
                values["body"] = values["body"].replace("{date}", date_format(today))
            with override("en"):
                values["body_en"] = values["body_en"].replace("{date}", date_format(today))
        create_page(
            office, {**values, "is_published": True, "published_at": now - timedelta(days=60)}
        )
        pages_created += 1
    return news_created, pages_created
