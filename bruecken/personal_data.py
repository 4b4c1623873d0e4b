"""What Brücken holds about a person, and how it is erased: a registry each app adds its own
part to (in its AppConfig.ready), so that "Meine Daten", the export and the erasure find every
kind of personal data without the privacy app importing the apps above it.

    from bruecken import personal_data
    personal_data.register("registrations", collect=collect_registrations, erase=erase_registrations)

`collect(person)` returns a `Section` (or None when the app holds nothing about the person):
its rows are plain dicts of text, numbers, dates and booleans, ready for JSON and CSV.
`erase(person, pseudonym)` removes or anonymises the app's rows about the person inside the
caller's transaction and returns how many rows it changed; it replaces the person by
`pseudonym` wherever a row must stay for counts (attendance, registrations, audit)."""

from dataclasses import dataclass, field


@dataclass
class Section:
    kind: str  # stable key, used as the CSV file name in the export: "registrations"
    title: str  # translated, for the page
    rows: list = field(default_factory=list)


# name -> (collect, erase), in the order the apps registered them
PARTS = {}


def register(name, *, collect=None, erase=None):
    PARTS[name] = (collect, erase)


def collect(person):
    """Every section about `person` that holds something, in registration order."""
    sections = []
    for collector, _eraser in PARTS.values():
        if collector is None:
            continue
        section = collector(person)
        if section is not None and section.rows:
            sections.append(section)
    return sections


def erase(person, pseudonym):
    """Run every app's eraser; the caller holds the transaction. Returns rows changed per part."""
    return {
        name: eraser(person, pseudonym) or 0
        for name, (_collector, eraser) in PARTS.items()
        if eraser is not None
    }
