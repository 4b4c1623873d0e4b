from bruecken.places.models import Country


def test_reference_data_is_loaded_once_per_test_database(db):
    assert Country.objects.get(code="GH").region.code == "002"
