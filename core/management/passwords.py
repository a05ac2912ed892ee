"""``--password-stdin`` for the commands that make users, so a script (or a deploy)
sets a first password without a prompt and without putting it on the command line,
where other users of the machine can read it in the process list."""

import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


def add_password_argument(parser):
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="Read the user's password from standard input (its first line), e.g. "
        "`printf '%%s\\n' \"$PASSWORD\" | manage.py ...`. It must pass the password rules.",
    )


def read_password(options, user):
    """The password given on standard input, checked by the site's password rules."""
    stdin = options.get("stdin") or sys.stdin
    password = stdin.readline().rstrip("\r\n")
    if not password:
        raise CommandError("--password-stdin: standard input held no password.")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise CommandError("The password was refused: " + " ".join(exc.messages)) from None
    return password
