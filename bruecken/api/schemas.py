"""What the API answers: pydantic schemas (django-ninja) for the OpenAPI document."""

from datetime import date, datetime

from ninja import Schema
from pydantic import Field, create_model


class Error(Schema):
    detail: str = Field(description="What went wrong, in the language of Accept-Language.")


class FieldError(Schema):
    loc: list[str | int] = Field(description="Where: e.g. ['query', 'limit'].")
    msg: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[FieldError]


class Ref(Schema):
    id: int
    name: str


class Coded(Schema):
    code: str
    name: str


class MunicipalityOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    ags: str = Field(description="Official municipality key (Amtlicher Gemeindeschlüssel).")
    federal_state: str
    federal_state_label: str
    participating: bool = Field(description="Takes part in a program.")


class ProgramOut(Schema):
    id: int
    name: str
    description: str
    office: str
    starts_on: date
    ends_on: date
    municipalities: list[Ref] = Field(description="The participating municipalities.")


class TopicOut(Schema):
    code: str
    name: str
    group: str
    group_label: str


class PartnershipOut(Schema):
    id: int
    municipality: Ref
    partner_name: str
    country: Coded
    kind: str
    kind_label: str
    since: int | None
    status: str
    status_label: str
    note: str
    source: str


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    municipality: Ref
    countries: list[Coded] = Field(description="Countries of engagement (ISO 3166).")
    topics: list[Coded]
    engagement_forms: list[Coded]
    languages: list[Coded] = Field(description="ISO 639-1.")
    description: str
    description_en: str = Field(description="English version; empty where none was written.")
    competences: str
    competences_en: str = Field(description="English version; empty where none was written.")
    website: str
    email: str
    phone: str
    address: str
    founded: int | None
    is_public: bool = Field(description="Consent to publish recorded: shown on the website.")
    profile_url: str | None = Field(
        description="The public profile, if the organisation is public."
    )
    updated_at: datetime


class MembershipOut(Schema):
    organisation: Ref
    role: str
    is_contact: bool
    started_on: date | None
    ended_on: date | None


class PersonOut(Schema):
    id: int
    name: str
    is_public: bool
    memberships: list[MembershipOut] = Field(
        description="Anonymously: the current memberships in public organisations only."
    )
    details: bool = Field(
        description="Whether the fields below are given: only to tokens whose role covers the "
        "person; otherwise they are null."
    )
    email: str | None
    phone: str | None
    municipality: Ref | None
    languages: list[Coded] | None
    countries: list[Coded] | None
    competences: str | None
    is_decision_maker: bool | None
    is_multiplier: bool | None
    updated_at: datetime


class EventOut(Schema):
    id: int
    title: str
    description: str
    kind: str
    kind_label: str
    program: Ref
    municipality: Ref | None = Field(description="Null for program-level events.")
    starts_at: datetime | None
    ends_at: datetime | None
    venue: str
    online_url: str
    capacity: int
    places_free: int
    admission: str
    admission_label: str
    registration_deadline: datetime | None
    registration_open: bool
    is_published: bool
    is_cancelled: bool
    languages: list[Coded]
    updated_at: datetime


class EventRef(Schema):
    id: int
    title: str
    starts_at: datetime | None


class RegistrationOut(Schema):
    id: int
    event: EventRef
    person: Ref
    status: str
    status_label: str
    source: str
    source_label: str
    registered_at: datetime
    offer_expires_at: datetime | None
    attended: bool | None


class GoalOut(Schema):
    id: int
    title: str
    title_en: str = Field(description="English version; empty where none was written.")
    description: str
    description_en: str = Field(description="English version; empty where none was written.")
    indicator: str
    indicator_en: str = Field(description="English version; empty where none was written.")
    program: Ref
    municipality: Ref
    target_date: date | None
    responsible: Ref | None = Field(description="Null if the reader may not see it.")
    rating: str | None
    rating_label: str | None
    is_public: bool
    created_at: datetime


class ResultOut(Schema):
    id: int
    kind: str
    kind_label: str
    text: str
    text_en: str = Field(description="English version; empty where none was written.")
    status: str
    status_label: str
    event_id: int
    program: Ref
    municipality: Ref | None
    goals: list[int] = Field(description="The goals it serves that the reader may see.")
    organisations: list[Ref] = Field(description="Responsible organisations the reader may see.")
    is_public: bool
    created_at: datetime


class Evidence(Schema):
    results: list[int] = Field(description="Results (ids) the reader may see.")
    goals: list[int] = Field(description="Goals (ids) the reader may see.")
    events: list[int] = Field(description="Workshops (event ids) the reader may see.")


class RecommendationOut(Schema):
    id: int
    title: str
    text: str
    category: Ref
    program: Ref
    status: str
    status_label: str
    evidence: Evidence
    updated_at: datetime


def page_of(item, name):
    return create_model(
        name,
        __base__=Schema,
        count=(int, Field(description="Rows matching the filters.")),
        limit=(int, ...),
        offset=(int, ...),
        next=(str | None, Field(description="The next page's address, relative.")),
        previous=(str | None, ...),
        results=(list[item], ...),
    )
