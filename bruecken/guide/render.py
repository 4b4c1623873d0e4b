"""The outputs of a guideline edition, each rendered from its snapshot (compose.py) alone: the
HTML document (web edition download and the PDF's source), the PDF (WeasyPrint, tagged
PDF/UA-1, with a table of contents, page numbers and running headers from CSS paged media),
the DOCX for editors (python-docx, with a table-of-contents field), and the plain-text lines
that the comparison of two editions works on."""

import io
import re

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bruecken.pdf import html_to_pdf

STYLESHEET = "guide/document.css"


def stylesheet():
    path = finders.find(STYLESHEET)
    with open(path, encoding="utf-8") as file:
        return file.read()


def render_document(content):
    """The whole edition as one HTML document with its print stylesheet inside, so that the
    downloaded file reads the same offline and WeasyPrint needs to fetch nothing."""
    with translation.override(content["language"]):
        return render_to_string(
            "guide/document.html",
            {
                "content": content,
                "stylesheet": stylesheet(),
                "created": content.get("published_at", ""),
            },
        )


def render_body(content):
    """The edition's body for the web edition page (inside the site's layout)."""
    with translation.override(content["language"]):
        return render_to_string("guide/_edition_body.html", {"content": content})


def render_html(content):
    return render_document(content).encode()


def render_pdf(content):
    return html_to_pdf(render_document(content))


# DOCX


def _plain(text):
    """Markdown reduced to paragraphs of plain text, for the editable copy."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text or ""):
        line = " ".join(part.strip() for part in block.splitlines()).strip()
        line = re.sub(r"^#+\s*", "", line)
        line = re.sub(r"[*_`]", "", line)
        line = re.sub(r"\[([^\]]*)\]\(([^)]*)\)", r"\1 (\2)", line)
        if line:
            paragraphs.append(line)
    return paragraphs


def _toc_field(document):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = document.add_paragraph().add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = 'TOC \\o "1-3" \\h \\z \\u'
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = _("Update this field to show the table of contents.")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instruction, separate, placeholder, end):
        run._r.append(element)


def _table(document, header, rows):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(text)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = str(text)
    document.add_paragraph()


def render_docx(content):
    import datetime

    from docx import Document
    from docx.enum.text import WD_BREAK

    with translation.override(content["language"]):
        document = Document()
        properties = document.core_properties
        properties.title = content["title"]
        properties.author = content["office"]
        properties.subject = content["program_name"]
        properties.language = content["language"]
        if content.get("published_at"):
            created = datetime.datetime.fromisoformat(content["published_at"])
            properties.created = properties.modified = created
        document.add_paragraph(content["program_name"])
        document.add_heading(content["title"], level=0)
        document.add_paragraph(edition_line(content))
        if content.get("redacted_on"):
            document.add_paragraph(redacted_line(content))
        document.add_heading(_("Contents"), level=1)
        _toc_field(document)
        if content["foreword"]:
            document.add_heading(_("Foreword"), level=1)
            for paragraph in _plain(content["foreword"]):
                document.add_paragraph(paragraph)
        for chapter in content["chapters"]:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            document.add_heading(f"{chapter['number']}. {chapter['title']}", level=1)
            for paragraph in _plain(chapter["text"]):
                document.add_paragraph(paragraph)
            _docx_chapter(document, chapter)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()


def edition_line(content):
    if content.get("number"):
        return _("Edition %(number)s of %(date)s") % {
            "number": content["number"],
            "date": content["date"],
        }
    return _("Draft of %(date)s") % {"date": content["date"]}


def redacted_line(content):
    """What a redacted edition says about it (redaction.py), in its language."""
    return _(
        "Redacted on %(date)s: organisations and people who withdrew their consent to "
        "publication are no longer named."
    ) % {"date": content["redacted_on"]}


def _docx_chapter(document, chapter):
    kind = chapter["kind"]
    if kind == "program":
        program = chapter["program"]
        for label, value in (
            (_("Program"), program["name"]),
            (_("Program office"), program["office"]),
            (_("Period"), program["period"]),
            (_("Participating municipalities"), ", ".join(program["municipalities"])),
        ):
            document.add_paragraph(f"{label}: {value}")
        if program["description"]:
            document.add_paragraph(program["description"])
        document.add_heading(
            _("The local process: template “%(name)s”") % {"name": program["template"]}, level=2
        )
        for step in program["steps"]:
            document.add_paragraph(_step_line(step), style="List Number")
    elif kind == "municipalities":
        for municipality in chapter["municipalities"]:
            document.add_heading(municipality["name"], level=2)
            for line in _municipality_lines(municipality):
                document.add_paragraph(line, style="List Bullet")
    elif kind == "recommendations":
        for category in chapter["categories"]:
            document.add_heading(category["name"], level=2)
            for recommendation in category["recommendations"]:
                document.add_heading(recommendation["title"], level=3)
                for paragraph in _plain(recommendation["text"]):
                    document.add_paragraph(paragraph)
                document.add_paragraph(
                    f"{_('From')}: {', '.join(recommendation['municipalities'])}"
                )
                for item in recommendation["evidence"]:
                    document.add_paragraph(_evidence_line(item), style="List Bullet")
    elif kind == "annex":
        document.add_heading(_("Participating organisations"), level=2)
        _table(
            document,
            [_("Organisation"), _("Kind"), _("Municipality")],
            [(o["name"], o["kind"], o["municipality"]) for o in chapter["organisations"]],
        )
        document.add_heading(_("Method"), level=2)
        for paragraph in chapter["method"]:
            document.add_paragraph(paragraph)


def _step_line(step):
    line = f"{step['title']} ({step['kind']}; {step['participants']}; {step['admission']})"
    return f"{line}: {step['purpose']}" if step["purpose"] else line


def _evidence_line(item):
    prefix = f"{item['municipality']}: " if item["municipality"] else ""
    return f"{prefix}{item['label']} ({item['detail']})"


def _figure_line(figure):
    if figure["total"] is None:
        return f"{figure['label']}: {figure['value']}"
    return _("%(label)s: %(value)s of %(total)s") % figure


def _municipality_lines(municipality):
    lines = []
    for workshop in municipality["workshops"]:
        lines.append(
            _("Workshop: %(title)s (%(kind)s), %(date)s, %(participants)s participants") % workshop
        )
    for goal in municipality["goals"]:
        lines.append(
            _("Goal: %(title)s – indicator: %(indicator)s – rating: %(rating)s") % goal
            + (f" ({goal['comment']})" if goal["comment"] else "")
        )
    for result in municipality["results"]:
        lines.append(_("Result: %(text)s (%(kind)s, %(status)s)") % result)
    # Older snapshots have no contributed figures.
    for figure in municipality.get("figures", []):
        lines.append(_figure_line(figure))
    network = municipality["network"]
    if network:
        before, after = network["before"], network["after"]
        lines.append(
            _(
                "Network: %(nodes_before)s organisations and %(edges_before)s ties "
                "(%(across_before)s across the groups) on %(date_before)s; %(nodes_after)s "
                "organisations and %(edges_after)s ties (%(across_after)s across the groups) on "
                "%(date_after)s; E-I index %(ei_before)s → %(ei_after)s"
            )
            % {
                "nodes_before": before["nodes"],
                "edges_before": before["edges"],
                "across_before": before["edges_across"],
                "date_before": before["date"],
                "nodes_after": after["nodes"],
                "edges_after": after["edges"],
                "across_after": after["edges_across"],
                "date_after": after["date"],
                "ei_before": before["ei_index"],
                "ei_after": after["ei_index"],
            }
        )
    return lines


def chapter_lines(chapter, language):
    """A chapter as lines of plain text: what the comparison of two editions compares."""
    with translation.override(language):
        lines = [*_plain(chapter["text"])]
        kind = chapter["kind"]
        if kind == "program":
            program = chapter["program"]
            lines += [
                program["name"],
                program["office"],
                program["period"],
                ", ".join(program["municipalities"]),
                program["description"],
                *[_step_line(step) for step in program["steps"]],
            ]
        elif kind == "municipalities":
            for municipality in chapter["municipalities"]:
                lines.append(f"— {municipality['name']}")
                lines += _municipality_lines(municipality)
        elif kind == "recommendations":
            for category in chapter["categories"]:
                lines.append(f"— {category['name']}")
                for recommendation in category["recommendations"]:
                    lines.append(recommendation["title"])
                    lines += _plain(recommendation["text"])
                    lines.append(f"{_('From')}: {', '.join(recommendation['municipalities'])}")
                    lines += [_evidence_line(item) for item in recommendation["evidence"]]
        elif kind == "annex":
            lines += [
                f"{o['name']} ({o['kind']}, {o['municipality']})" for o in chapter["organisations"]
            ]
            lines += chapter["method"]
        return [line for line in lines if line]


RENDERERS = [
    ("html", gettext_noop("Rendering the web edition"), render_html),
    ("pdf", gettext_noop("Rendering the PDF"), render_pdf),
    ("docx", gettext_noop("Writing the DOCX"), render_docx),
]
