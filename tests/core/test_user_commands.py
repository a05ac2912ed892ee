"""addcurator, and --password-stdin on addcurator and addcitystaff."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from commitments.models import Commitment
from core.permissions import CITY_STAFF_GROUP, CURATORS_GROUP, is_curator
from tests.curation import admin_url, ensure_groups

PASSWORD = "a long enough passphrase 42"


@pytest.fixture
def groups(db):
    ensure_groups()


def _log_in(client, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content[:300]


def _user(username):
    return get_user_model().objects.get(username=username)


def test_addcurator_makes_a_curator_who_can_curate_in_the_admin(groups, client, capsys):
    call_command(
        "addcurator",
        "grace",
        "--email",
        "grace@example.org",
        "--password-stdin",
        stdin=io.StringIO(PASSWORD + "\n"),
    )
    user = _user("grace")
    assert user.is_staff and not user.is_superuser
    assert user.email == "grace@example.org"
    assert list(user.groups.values_list("name", flat=True)) == [CURATORS_GROUP]
    assert is_curator(user)
    assert user.has_perm("commitments.change_commitment")
    assert user.has_perm("forums.add_outcomedocument")
    assert 'Created the curator "grace"' in capsys.readouterr().out

    _log_in(client, "grace", PASSWORD)
    assert client.get(admin_url(Commitment, "changelist")).status_code == 200
    assert client.get(reverse("portal:dashboard")).context["is_curator"]


def test_addcurator_promotes_an_existing_user_and_keeps_their_password(
    groups, barcelona_staff, capsys
):
    call_command("addcurator", barcelona_staff.username)
    user = _user(barcelona_staff.username)
    assert user.is_staff and is_curator(user)
    assert user.check_password("correct horse battery")
    assert "is now a curator" in capsys.readouterr().out
    call_command("addcurator", barcelona_staff.username)
    assert "already a curator" in capsys.readouterr().out


def test_addcurator_without_a_password_says_how_to_set_one(groups, capsys):
    call_command("addcurator", "grace", "--email", "grace@example.org")
    assert not _user("grace").has_usable_password()
    assert "changepassword grace" in capsys.readouterr().out


def test_addcurator_needs_an_email_for_a_new_user(groups):
    with pytest.raises(CommandError, match="--email"):
        call_command("addcurator", "grace")
    assert not get_user_model().objects.filter(username="grace").exists()


@pytest.mark.parametrize(
    ("command", "args"),
    [("addcurator", ["--email", "ada@example.org"]), ("addcitystaff", ["barcelona"])],
)
def test_a_weak_or_missing_password_on_stdin_is_refused_before_anything_is_made(
    groups, barcelona, command, args
):
    for given, message in [("\n", "held no password"), ("ada\n", "password was refused")]:
        with pytest.raises(CommandError, match=message):
            call_command(command, "ada", *args, "--password-stdin", stdin=io.StringIO(given))
    assert not get_user_model().objects.filter(username="ada").exists()


def test_addcitystaff_sets_the_password_from_stdin(groups, client, barcelona, capsys):
    call_command(
        "addcitystaff",
        "ada",
        "barcelona",
        "--email",
        "ada@example.org",
        "--password-stdin",
        stdin=io.StringIO(PASSWORD + "\n"),
    )
    user = _user("ada")
    assert user.check_password(PASSWORD)
    assert list(user.groups.values_list("name", flat=True)) == [CITY_STAFF_GROUP]
    out = capsys.readouterr().out
    assert 'Password set for "ada"' in out and "changepassword" not in out
    _log_in(client, "ada", PASSWORD)
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_addcitystaff_resets_an_existing_users_password_from_stdin(
    groups, barcelona, barcelona_staff
):
    call_command(
        "addcitystaff",
        barcelona_staff.username,
        "barcelona",
        "--password-stdin",
        stdin=io.StringIO(PASSWORD + "\n"),
    )
    assert _user(barcelona_staff.username).check_password(PASSWORD)
