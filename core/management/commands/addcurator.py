"""Makes a curator: a user of the secretariat, in the Curators group, with the admin."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from core.management.passwords import add_password_argument, read_password
from core.permissions import CURATORS_GROUP


class Command(BaseCommand):
    help = (
        f'Create a curator (or make an existing user one): in the "{CURATORS_GROUP}" group, '
        "whose permissions the curators' work needs, with access to the admin."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--email",
            default="",
            help="The curator's email address (required for a new user: curators are "
            "told by email of what waits for review).",
        )
        add_password_argument(parser)

    def handle(self, *args, username, email, password_stdin, **options):
        User = get_user_model()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise CommandError(f'"{email}" is not a valid email address.') from None
        group = Group.objects.filter(name=CURATORS_GROUP).first()
        if group is None:
            raise CommandError(f'The "{CURATORS_GROUP}" group is missing: run migrate first.')
        existing = User.objects.filter(username=username).first()
        if existing is None and not email:
            raise CommandError(
                "Give the new curator's address with --email: curators are told by email "
                "of submissions to review."
            )
        password = None
        if password_stdin:
            # Read and checked before anything is written.
            password = read_password(options, existing or User(username=username, email=email))

        with transaction.atomic():
            user = User.objects.select_for_update().filter(username=username).first()
            created = user is None
            if created:
                user = User(username=username, email=email)
                user.set_unusable_password()
            elif email:
                user.email = email
            if password is not None:
                user.set_password(password)
            was_curator = user.is_staff and user.pk and user.groups.filter(pk=group.pk).exists()
            user.is_staff = True  # the admin is the curators' room
            try:
                user.full_clean()
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from None
            user.save()
            user.groups.add(group)

        if created:
            self.stdout.write(self.style.SUCCESS(f'Created the curator "{username}".'))
        elif was_curator:
            self.stdout.write(f'"{username}" is already a curator.')
        else:
            self.stdout.write(self.style.SUCCESS(f'"{username}" is now a curator.'))
        if password is not None:
            self.stdout.write(self.style.SUCCESS(f'Password set for "{username}".'))
        elif not user.has_usable_password():
            self.stdout.write(
                "The user has no password yet and cannot log in until one is set: "
                f'run "python manage.py changepassword {username}" (or give it with '
                "--password-stdin)."
            )
