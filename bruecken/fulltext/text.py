"""Folding and words: text as the index holds it and the words of a query."""

import functools
import re
import unicodedata

MAX_QUERY_WORDS = 10
# Longer words are cut: still a prefix of what they would have matched. Word parts are looked
# for in that many letters of a word too (a word of 10,000 letters has 58 endings, not 10,000).
MAX_WORD_LENGTH = 60
# A column's text in the index: about 7,000 words. PostgreSQL's tsvector holds at most 1 MB, and
# 50,000 letters of distinct short words give 175 KB in each of the document vector's three columns.
MAX_COLUMN_TEXT = 50_000
# Words this long match inside other words too (shorter ones: as prefixes only: a word has too
# many endings of one or two letters to tell much apart).
PART_LENGTH = 3

# Letters that Unicode does not decompose into a base letter and a mark.
LETTERS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
WORD = re.compile(r"[^\W_]+")
DIGRAPH = re.compile("ae|oe|ue")


def fold(text):
    """Text as the index holds it: lower case (ß as ss), without accents and umlaut dots."""
    text = (text or "").casefold().translate(LETTERS)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text):
    return list(_words(text))


def _words(text):
    if text and len(text) <= SHORT_TEXT:
        return _short_words(text)
    return tuple(WORD.findall(fold(text)))


SHORT_TEXT = 200


@functools.lru_cache(maxsize=50_000)
def _short_words(text):
    """The folded words of a short text, kept: in a reindex of many objects the same ones come
    again and again (names of languages and countries, first and last names, competences)."""
    return tuple(WORD.findall(fold(text)))


def transliterated(word):
    """The spelling of `word` with "ae", "oe", "ue" as the umlaut they may stand for, folded:
    "aethiopisch" → "athiopisch"."""
    return DIGRAPH.sub(lambda match: match.group()[0], word)


def document_text(*texts):
    """The folded words of `texts`, followed by the umlaut spelling of those written with
    "ae", "oe" or "ue"; at most MAX_COLUMN_TEXT letters, cut at a word's end."""
    found = [word for text in texts for word in _words(text)]
    extra = [other for word in found if (other := transliterated(word)) != word]
    text = " ".join(found + extra)
    if len(text) <= MAX_COLUMN_TEXT:
        return text
    # The letter after the cut tells whether it falls at a word's end.
    kept = text[: MAX_COLUMN_TEXT + 1].rpartition(" ")[0]
    return kept or text[:MAX_COLUMN_TEXT]


def query_terms(text):
    """The words of a query, each with the spellings it matches (at most ten words)."""
    terms = []
    for word in words(text)[:MAX_QUERY_WORDS]:
        word = word[:MAX_WORD_LENGTH]
        forms = [word]
        if (other := transliterated(word)) != word:
            forms.append(other)
        terms.append(forms)
    return terms


def word_parts(text):
    """The endings of PART_LENGTH letters or more of the words of folded `text` (their first
    MAX_WORD_LENGTH letters; each word whole too), for SQLite's word-part table: a part inside
    a word is the start of one of them. The SQL function `bruecken_word_parts`. The table is
    contentless: its triggers delete a document by what this gives for its text, so a change
    here needs a migration that builds the table anew."""
    parts = []
    for word in WORD.findall(text or ""):
        word = word[:MAX_WORD_LENGTH]
        parts.extend(word[start:] for start in range(len(word) - PART_LENGTH + 1))
    return " ".join(parts)


def install_functions(sender=None, connection=None, **kwargs):
    """Give a new SQLite connection the SQL function the word-part table's triggers call
    (connected to `connection_created` in bruecken/apps.py)."""
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_function(
            "bruecken_word_parts", 1, word_parts, deterministic=True
        )
