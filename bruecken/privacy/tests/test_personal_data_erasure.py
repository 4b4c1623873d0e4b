"""The erasure helpers of bruecken/personal_data.py."""

from bruecken.personal_data import Erasure, new_pseudonym


class Record:
    def __init__(self, **values):
        self.__dict__.update(values)


def test_scrub_replaces_names_addresses_and_numbers():
    person = Record(name="Ali Demir", email="Ali@Example.net", phone=None)
    erasure = Erasure.of(person, None, "P")
    assert erasure.scrub("Ali Demir (ali@example.net) sprach") == "P (P) sprach"
    assert erasure.scrub({"a": ["ALI DEMIR", 3, None, True]}) == {"a": ["P", 3, None, True]}
    # Only whole names: a longer word that begins with the name stays.
    assert erasure.scrub("Ali Demirel") == "Ali Demirel"


def test_short_names_are_left_in_free_text():
    erasure = Erasure.of(Record(name="Li", email="", phone=None), None, "P")
    assert erasure.names == ()
    assert erasure.scrub("Lieber Li") == "Lieber Li"


def test_regex_characters_in_names_are_plain_text():
    erasure = Erasure.of(Record(name="A.* (B)", email="", phone=None), None, "P")
    assert erasure.scrub("xx A.* (B) yy AAA") == "xx P yy AAA"


def test_account_values_count_too():
    user = Record(full_name="Konto Name", email="konto@example.net")
    erasure = Erasure.of(None, user, "P")
    assert erasure.emails == ("konto@example.net",)
    assert erasure.mentions("an konto@example.net")


def test_pseudonyms_differ_and_name_no_one():
    first, second = new_pseudonym(), new_pseudonym()
    assert first != second or new_pseudonym() != first
    assert first.startswith(("Gelöschte Person ", "Deleted person "))
