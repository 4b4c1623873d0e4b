"""Full-text search at real size (part of `make bench-size`): the staff lists' search
(bruecken/fulltext/), as the program office and as a coordinator finds (`visible_to(user)`,
people by `search_as`), against the LIKE on search_text that the lists used before on the same
rows, each as a list page needs it: the count and the first page."""

import itertools
import statistics

from django.db import connection

from bruecken import fulltext
from bruecken.actors.filters import filter_organisations, filter_people
from bruecken.actors.models import Organisation, Person

from .timing import percentile, ratio, time_within

TARGET_MS = 10
AIM_RATIO = 5
PAGE = 25
# Words a user types: folded and unfolded umlauts, a country (not in search_text), a competence,
# a word in thousands of names, a name, two words.
TERMS = {
    Organisation: [
        "athiopisch",
        "Äthiopischer",
        "Äthiopien",
        "jugendaustausch",
        "verein",
        "übersetzung dolmetschen",
    ],
    Person: ["mensah", "tesfaye", "müller", "dolmetschen"],
}


def like(queryset, text):
    """The search it replaces: every word in search_text (casefolded), in name order."""
    model = queryset.model
    for word in text.casefold().split():
        queryset = queryset.filter(search_text__contains=word)
    return queryset.order_by(*model._meta.ordering)


def searched(queryset, user, text):
    """What the staff list of `user` finds by `text` (its filter code)."""
    if queryset.model is Person:
        return filter_people(queryset, {"q": text}, user)
    return filter_organisations(queryset, {"q": text})


def page_of(queryset):
    """What a list page asks (`fulltext.Paginator`): how many, and the first page's ids."""
    return queryset.count(), fulltext.head(queryset.values_list("pk", flat=True), PAGE)


def measure(context):
    options = context.options
    write = context.write
    available = hasattr(Organisation.objects, "search")
    write(
        f"\nFull-text search ({connection.vendor}) against LIKE on search_text; each: the count "
        f"and the first {PAGE} ids."
    )
    if not available:
        write(
            context.style.WARNING(
                "Organisation.objects.search() is not there yet (bruecken/fulltext/): only the "
                "LIKE is measured."
            )
        )
    header = (
        f"{'reader':<15} {'model':<13} {'text':<24} {'found':>6} {'median':>9} {'p90':>9} │ "
        f"{'LIKE':>9} {'found':>6} {'ratio':>7}"
    )
    context.command.write_table(header)
    readers = (("program office", context.office), ("coordinator", context.coordinator))
    for (reader, user), (model, terms) in itertools.product(readers, TERMS.items()):
        label = model.__name__
        plural = "organisations" if model is Organisation else "people"
        rows = model.objects.visible_to(user)
        medians, like_medians = [], []
        for text in terms:
            baseline, like_found, _log = time_within(
                lambda text=text, rows=rows: page_of(like(rows, text)),
                options["requests"],
                options["warmup"],
            )
            like_median = statistics.median(wall for wall, _cpu in baseline)
            like_medians.append(like_median)
            if available:
                timings, found, _log = time_within(
                    lambda text=text, rows=rows, user=user: page_of(searched(rows, user, text)),
                    options["requests"],
                    options["warmup"],
                )
                wall = [seconds for seconds, _cpu in timings]
                median = statistics.median(wall)
                medians.append(median)
                ours = (
                    f"{found[0]:>6,} {median * 1000:>7.2f}ms {percentile(wall, 90) * 1000:>7.2f}ms"
                )
                times = f"{ratio(like_median, median):>6.1f}×"
            else:
                ours, times = f"{'–':>6} {'–':>9} {'–':>9}", f"{'–':>7}"
            write(
                f"{reader:<15} {label:<13} {text:<24} {ours} │ {like_median * 1000:>7.2f}ms "
                f"{like_found[0]:>6,} {times}"
            )
        like_median = statistics.median(like_medians)
        if available:
            median = statistics.median(medians)
            context.add(
                f"text search, {reader}, {plural} (median of terms)",
                f"{median * 1000:.2f} ms",
                f"≤ {TARGET_MS} ms",
                f"LIKE {like_median * 1000:.1f} ms",
                f"{ratio(like_median, median):.1f}×",
                median * 1000 <= TARGET_MS and ratio(like_median, median) >= AIM_RATIO,
            )
        else:
            context.add(
                f"text search, {reader}, {plural}",
                "not there",
                f"≤ {TARGET_MS} ms",
                f"LIKE {like_median * 1000:.1f} ms",
                f"≥ {AIM_RATIO}×?",
                False,
            )
    write(
        "found: how many match (full-text search also finds countries, languages and topics, "
        "and folds umlauts; LIKE only the words in search_text); median, p90: wall clock; "
        f"ratio: LIKE / full-text (target ≥ {AIM_RATIO}× and ≤ {TARGET_MS} ms median)."
    )
