"""Open data: everything public, as Popolo JSON and as CSV files.

Only what the public website shows: organisations that consented to publication, people who
consented, and the current memberships between the two. Anonymous and token readers get the
same files. They are cached per content version (`bruecken.cache.cached_for_version`), so a
withdrawn consent leaves them at once."""

import csv
import io
import json

from django.http import HttpResponse
from django.urls import reverse

from bruecken.actors.models import Membership, Organisation, Person
from bruecken.cache import cached_for_version
from bruecken.structured_data import absolute

from .base import ERRORS, Area

router = Area("open data")


def public_organisations():
    return (
        Organisation.objects.public()
        .select_related("municipality")
        .prefetch_related("countries", "topics", "engagement_forms", "languages")
        .order_by("pk")
    )


def public_people():
    return Person.objects.public().only("pk", "name").order_by("pk")


def public_memberships():
    return (
        Membership.objects.current()
        .public()
        .only("pk", "person_id", "organisation_id", "role", "is_contact", "started_on", "ended_on")
        .order_by("pk")
    )


def _codes(objects):
    return ";".join(sorted(obj.code for obj in objects))


def _date(value):
    return value.isoformat() if value else None


def popolo():
    organisations = list(public_organisations())
    areas = {o.municipality_id: o.municipality for o in organisations}
    return {
        "areas": [
            {
                "id": f"municipality-{m.pk}",
                "name": m.name,
                "classification": m.kind,
                "identifiers": [{"scheme": "AGS", "identifier": m.ags}],
            }
            for m in sorted(areas.values(), key=lambda m: m.pk)
        ],
        "organizations": [_popolo_organisation(o) for o in organisations],
        "persons": [{"id": f"person-{p.pk}", "name": p.name} for p in public_people()],
        "memberships": [
            {
                "id": f"membership-{m.pk}",
                "person_id": f"person-{m.person_id}",
                "organization_id": f"organisation-{m.organisation_id}",
                **({"role": m.role} if m.role else {}),
                **({"start_date": _date(m.started_on)} if m.started_on else {}),
                **({"end_date": _date(m.ended_on)} if m.ended_on else {}),
            }
            for m in public_memberships()
        ],
    }


def _popolo_organisation(o):
    contacts = [
        {"type": kind, "value": value}
        for kind, value in (
            ("email", o.email),
            ("voice", o.phone.as_international if o.phone else ""),
            ("address", o.address),
        )
        if value
    ]
    links = [{"url": absolute(reverse("website:organisation", args=[o.pk])), "note": "profile"}]
    if o.website:
        links.append({"url": o.website, "note": "website"})
    data = {
        "id": f"organisation-{o.pk}",
        "name": o.name,
        "classification": o.kind,
        "identifiers": [{"scheme": "bruecken", "identifier": str(o.pk)}],
        "area_id": f"municipality-{o.municipality_id}",
        "contact_details": contacts,
        "links": links,
    }
    if o.description:
        data["description"] = o.description
    if o.founded:
        data["founding_date"] = f"{o.founded:04d}"
    return data


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """Text a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv(header, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def organisations_csv():
    header = [
        "id",
        "name",
        "kind",
        "municipality_id",
        "municipality",
        "ags",
        "countries",
        "topics",
        "engagement_forms",
        "languages",
        "description",
        "competences",
        "website",
        "email",
        "phone",
        "address",
        "founded",
        "updated_at",
    ]
    rows = (
        [
            o.pk,
            o.name,
            o.kind,
            o.municipality_id,
            o.municipality.name,
            o.municipality.ags,
            _codes(o.countries.all()),
            _codes(o.topics.all()),
            _codes(o.engagement_forms.all()),
            _codes(o.languages.all()),
            o.description,
            o.competences,
            o.website,
            o.email,
            o.phone.as_international if o.phone else "",
            o.address,
            o.founded,
            o.updated_at.isoformat(),
        ]
        for o in public_organisations()
    )
    return _csv(header, rows)


def persons_csv():
    return _csv(["id", "name"], ([p.pk, p.name] for p in public_people()))


def memberships_csv():
    header = ["id", "person_id", "organisation_id", "role", "is_contact", "started_on", "ended_on"]
    rows = (
        [
            m.pk,
            m.person_id,
            m.organisation_id,
            m.role,
            "true" if m.is_contact else "false",
            _date(m.started_on),
            _date(m.ended_on),
        ]
        for m in public_memberships()
    )
    return _csv(header, rows)


@router.get(
    "/open-data/popolo.json",
    response=ERRORS,
    operation_id="open_data_popolo",
    summary="Public organisations, people and memberships as Popolo JSON",
    openapi_extra={
        "responses": {
            200: {
                "description": "Popolo (https://www.popoloproject.com/): areas, organizations, "
                "persons, memberships.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["areas", "organizations", "persons", "memberships"],
                            "properties": {
                                name: {"type": "array", "items": {"type": "object"}}
                                for name in ("areas", "organizations", "persons", "memberships")
                            },
                        }
                    }
                },
            }
        }
    },
)
def open_data_popolo(request):
    content = cached_for_version("api-open-data-popolo", lambda: json.dumps(popolo()))
    return HttpResponse(content, content_type="application/json")


CSV_FILES = [
    (
        "organisations.csv",
        organisations_csv,
        "Public organisations as CSV",
        "One row per public organisation; lists as codes with ;.",
    ),
    (
        "persons.csv",
        persons_csv,
        "Public people as CSV",
        "One row per person who consented: id and name.",
    ),
    (
        "memberships.csv",
        memberships_csv,
        "Current memberships between public people and organisations as CSV",
        "One row per current membership.",
    ),
]


def add_csv_file(name, compute, summary, description):
    """The operation that answers with the CSV file `name`, made by `compute`."""
    operation_id = "open_data_" + name.replace(".", "_")

    def view(request):
        content = cached_for_version(f"api-open-data-{name}", compute)
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    file_doc = {
        "responses": {
            200: {
                "description": description,
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    }
    router.get(
        f"/open-data/{name}",
        response=ERRORS,
        operation_id=operation_id,
        url_name=operation_id,
        summary=summary,
        openapi_extra=file_doc,
    )(view)


for csv_file in CSV_FILES:
    add_csv_file(*csv_file)
