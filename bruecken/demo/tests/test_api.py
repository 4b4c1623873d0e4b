from bruecken.api.models import ApiToken
from bruecken.api.tests.conftest import Api
from bruecken.demo.accounts import create_demo_accounts
from bruecken.demo.api import DEMO_TOKEN, create_demo_api


def test_create_demo_api_is_idempotent_and_the_token_works(client, reference_data):
    assert create_demo_api() is None  # no demo accounts yet
    create_demo_accounts()
    create_demo_api()
    create_demo_api()
    assert ApiToken.objects.count() == 1
    assert Api(client, DEMO_TOKEN).get("/organisations").status_code == 200
