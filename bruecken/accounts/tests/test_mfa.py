"""The second factor: setting it up (QR code, key, first code), signing in with a code or a
recovery code (each once), new recovery codes and turning it off with the password, and the
program office led to set it up where it is required."""

import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from bruecken.accounts import mfa
from bruecken.accounts.models import AuditEntry, Role
from bruecken.accounts.tests.factories import PASSWORD, UserFactory, user_with_role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_reset")]

SECURITY = "/en/accounts/security/"


def code_for(device, steps_ahead=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture(autouse=True)
def _no_device_throttle(settings):
    # django-otp's own throttle delays the attempt after a wrong code by a second; the tests of
    # wrong codes follow them at once with a right one.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def ama(db):
    return UserFactory(email="ama@example.org")


def set_up(user):
    """A confirmed device with recovery codes, as the setup page leaves it."""
    device = mfa.pending_device(user)
    codes = mfa.confirm(user, device, code_for(device))
    device.refresh_from_db()
    return device, codes


def sign_in(client, email="ama@example.org", password=PASSWORD, language="en", **extra):
    return client.post(
        f"/{language}/accounts/login/", {"username": email, "password": password, **extra}
    )


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_setup_page_shows_a_qr_code_and_the_key(client, ama, language):
    client.force_login(ama)
    response = client.get(f"/{language}/accounts/security/")
    assert response.status_code == 200
    content = response.content.decode()
    device = TOTPDevice.objects.get(user=ama, confirmed=False)
    assert '<svg role="img" aria-label="' in content
    assert mfa.manual_key(device) in content
    assert 'autocomplete="one-time-code"' in content
    # Reloading keeps the key the app may have scanned already.
    client.get(f"/{language}/accounts/security/")
    assert list(TOTPDevice.objects.filter(user=ama)) == [device]


def test_setting_up_needs_a_right_code(client, ama):
    client.force_login(ama)
    client.get(SECURITY)
    device = TOTPDevice.objects.get(user=ama)
    response = client.post(SECURITY, {"action": "confirm", "code": "000000"})
    assert "The code is not correct" in response.content.decode()
    response = client.post(SECURITY, {"action": "confirm", "code": code_for(device)})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Your recovery codes" in content
    codes = list(StaticToken.objects.filter(device__user=ama).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(code in content for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(
        object_id=str(ama.pk), changes__has_key="second factor"
    ).exists()
    # The recovery codes are not shown again.
    content = client.get(SECURITY).content.decode()
    assert "10 unused recovery codes" in content
    assert not any(code in content for code in codes)


@pytest.mark.parametrize("code", ["\x00", "12\x003456", "9" * 10000, "ä" * 10000, "", " "])
def test_hostile_codes_on_setup(client, ama, code):
    client.force_login(ama)
    client.get("/de/accounts/security/")
    response = client.post("/de/accounts/security/", {"action": "confirm", "code": code})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not mfa.has_second_factor(ama)


def test_signing_in_asks_for_the_code(client, ama):
    device, _codes = set_up(ama)
    response = sign_in(client, next="/en/actors/people/")
    assert response.status_code == 302
    assert response.url == "/en/accounts/login/code/"
    assert "_auth_user_id" not in client.session
    page = client.get(response.url)
    assert page.status_code == 200
    response = client.post("/en/accounts/login/code/", {"code": "000000"})
    assert "The code is not correct or was used already." in response.content.decode()
    assert "_auth_user_id" not in client.session
    response = client.post("/en/accounts/login/code/", {"code": code_for(device, 1)})
    assert response.status_code == 302
    assert response.url == "/en/actors/people/"
    assert client.session["_auth_user_id"] == str(ama.pk)


def test_a_code_is_accepted_once(client, ama):
    device, _codes = set_up(ama)
    code = code_for(device, 1)
    sign_in(client)
    assert client.post("/en/accounts/login/code/", {"code": code}).status_code == 302
    client.logout()
    sign_in(client)
    response = client.post("/en/accounts/login/code/", {"code": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_signs_in_once(client, ama):
    _device, codes = set_up(ama)
    sign_in(client, language="de")
    response = client.post("/de/accounts/login/code/", {"code": codes[0].upper()}, follow=True)
    assert client.session["_auth_user_id"] == str(ama.pk)
    assert "Wiederherstellungscode" in response.content.decode()
    assert mfa.recovery_codes_left(ama) == 9
    client.logout()
    sign_in(client)
    response = client.post("/en/accounts/login/code/", {"code": codes[0]})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("code", ["\x00", "9" * 10000, "' OR 1=1 --", "ä" * 300, ""])
def test_hostile_codes_at_sign_in(client, ama, code):
    set_up(ama)
    sign_in(client, language="de")
    response = client.post("/de/accounts/login/code/", {"code": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_wrong_codes_count_towards_the_lock(client, ama, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    device, _codes = set_up(ama)
    sign_in(client)
    for _ in range(3):
        client.post("/en/accounts/login/code/", {"code": "000000"})
    response = client.post("/en/accounts/login/code/", {"code": code_for(device, 1)})
    assert "Too many failed attempts to sign in." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_password_again_does_not_buy_more_guesses_at_the_code(client, ama, settings):
    settings.LOGIN_FAILURE_LIMIT = 4
    set_up(ama)
    for _ in range(2):
        sign_in(client)
        for _ in range(2):
            client.post("/en/accounts/login/code/", {"code": "000000"})
    response = sign_in(client)
    assert "Too many failed attempts to sign in." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_code_step_without_a_password_leads_back(client, ama):
    response = client.get("/en/accounts/login/code/")
    assert response.status_code == 302
    assert response.url == "/en/accounts/login/"


def test_the_code_step_times_out(client, ama):
    from bruecken.accounts.views import PENDING

    set_up(ama)
    sign_in(client)
    session = client.session
    session[PENDING] = {**session[PENDING], "since": 0}
    session.save()
    response = client.post("/en/accounts/login/code/", {"code": "123456"}, follow=True)
    assert "the time for entering the code is up" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_new_recovery_codes_and_turning_off_need_the_password(client, ama):
    set_up(ama)
    client.force_login(ama)
    old = set(StaticToken.objects.values_list("token", flat=True))
    response = client.post(SECURITY, {"action": "codes", "codes-password": "wrong"})
    assert "The password is not correct." in response.content.decode()
    response = client.post(SECURITY, {"action": "codes", "codes-password": PASSWORD})
    new = set(StaticToken.objects.values_list("token", flat=True))
    assert len(new) == 10
    assert not old & new
    assert all(code in response.content.decode() for code in new)
    response = client.post(SECURITY, {"action": "disable", "disable-password": "\x00"})
    assert response.status_code == 200
    assert mfa.has_second_factor(ama)
    response = client.post(SECURITY, {"action": "disable", "disable-password": PASSWORD})
    assert response.status_code == 302
    assert not mfa.has_second_factor(ama)
    assert not StaticToken.objects.exists()
    # Signing in needs the password alone again.
    client.logout()
    assert sign_in(client).status_code == 302
    assert client.session["_auth_user_id"] == str(ama.pk)


class TestRequiredForTheProgramOffice:
    @pytest.fixture(autouse=True)
    def _required(self, settings):
        settings.MFA_REQUIRED_FOR_PROGRAM_OFFICE = True

    def test_the_office_without_a_device_is_led_to_the_setup(self, client):
        office = user_with_role(Role.PROGRAM_OFFICE, user__email="office@example.org")
        response = sign_in(client, office.email, language="de")
        assert response.status_code == 302
        for path in ("/de/actors/organisations/", "/de/", "/admin/"):
            response = client.get(path)
            assert response.status_code == 302, path
            assert response.url == "/de/accounts/security/"
        setup = client.get("/de/accounts/security/")
        assert setup.status_code == 200
        assert "Bis dahin sind die anderen Seiten nicht verfügbar" in setup.content.decode()
        device = TOTPDevice.objects.get(user=office)
        response = client.post(
            "/de/accounts/security/", {"action": "confirm", "code": code_for(device)}
        )
        assert response.status_code == 200
        assert client.get("/de/actors/organisations/").status_code == 200
        assert client.post("/de/accounts/logout/").status_code == 302

    def test_other_roles_are_not_led(self, client, bonn):
        coordinator = user_with_role(Role.COORDINATOR, municipality=bonn)
        client.force_login(coordinator)
        assert client.get("/de/actors/organisations/").status_code == 200

    def test_a_session_without_the_code_is_ended(self, client):
        office = user_with_role(Role.PROGRAM_OFFICE, user__email="office@example.org")
        set_up(office)
        client.force_login(office)
        response = client.get("/de/actors/organisations/")
        assert response.status_code == 302
        assert response.url.startswith("/de/accounts/login/")
        assert "_auth_user_id" not in client.session

    def test_not_required_when_turned_off(self, client, settings):
        settings.MFA_REQUIRED_FOR_PROGRAM_OFFICE = False
        office = user_with_role(Role.PROGRAM_OFFICE)
        client.force_login(office)
        assert client.get("/de/actors/organisations/").status_code == 200


def test_the_admin_login_sends_to_ours(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    assert "next=/admin/" in response.url


def test_the_setting_defaults_to_not_debug():
    import os
    import subprocess
    import sys

    script = "from django.conf import settings; print(settings.MFA_REQUIRED_FOR_PROGRAM_OFFICE)"
    results = {}
    for debug in ("true", "false"):
        env = {**os.environ, "DEBUG": debug, "DJANGO_SETTINGS_MODULE": "bruecken.settings"}
        env.pop("MFA_REQUIRED_FOR_PROGRAM_OFFICE", None)
        output = subprocess.run(
            [sys.executable, "-c", "import django; django.setup(); " + script],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        results[debug] = output.stdout.strip()
    assert results == {"true": "False", "false": "True"}
