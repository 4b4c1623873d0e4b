"""What changed from one edition to another, from their snapshots alone: per chapter the lines
added and removed (difflib), and the recommendations added, removed and changed."""

import difflib

from .render import chapter_lines


def _key(chapter):
    return (chapter["kind"], chapter["title"])


def _recommendations(content):
    found = {}
    for chapter in content["chapters"]:
        for category in chapter.get("categories") or []:
            for recommendation in category["recommendations"]:
                found[recommendation["id"]] = {**recommendation, "category": category["name"]}
    return found


def compare(old, new):
    old_chapters = {_key(c): c for c in old["chapters"]}
    new_chapters = {_key(c): c for c in new["chapters"]}
    keys = [_key(c) for c in new["chapters"]]
    keys += [key for key in (_key(c) for c in old["chapters"]) if key not in new_chapters]
    chapters = []
    for key in keys:
        before = old_chapters.get(key)
        after = new_chapters.get(key)
        old_lines = chapter_lines(before, old["language"]) if before else []
        new_lines = chapter_lines(after, new["language"]) if after else []
        lines = []
        for line in difflib.ndiff(old_lines, new_lines):
            op, text = line[:1], line[2:]
            if op == "?":
                continue
            lines.append({"op": {"+": "added", "-": "removed"}.get(op, "same"), "text": text})
        changed = any(line["op"] != "same" for line in lines)
        chapters.append(
            {
                "title": key[1],
                "state": "added"
                if before is None
                else "removed"
                if after is None
                else "changed"
                if changed
                else "same",
                "lines": lines,
                "changed": changed,
            }
        )
    old_recommendations = _recommendations(old)
    new_recommendations = _recommendations(new)
    added = [r for pk, r in new_recommendations.items() if pk not in old_recommendations]
    removed = [r for pk, r in old_recommendations.items() if pk not in new_recommendations]
    changed = [
        r
        for pk, r in new_recommendations.items()
        if pk in old_recommendations and old_recommendations[pk] != r
    ]
    return {
        "chapters": chapters,
        "added": added,
        "removed": removed,
        "changed": changed,
        "title_changed": old["title"] != new["title"],
        "foreword_changed": old["foreword"] != new["foreword"],
        "any_change": any(c["changed"] for c in chapters)
        or bool(added or removed or changed)
        or old["title"] != new["title"]
        or old["foreword"] != new["foreword"],
    }
