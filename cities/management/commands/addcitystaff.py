"""Creates (or finds) a user and lets them act for a city in the staff portal.

City staff never get ``is_staff``: the admin is the curators' alone.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from cities.models import City, CityStaffMembership
from core.management.passwords import add_password_argument, read_password
from core.permissions import CITY_STAFF_GROUP, is_curator


class Command(BaseCommand):
    help = (
        "Create a city staff user if needed and attach it to a city, in the "
        f'"{CITY_STAFF_GROUP}" group.'
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("city_slug", metavar="CITY_SLUG")
        parser.add_argument("--email", default="", help="The user's email address.")
        add_password_argument(parser)

    def handle(self, *args, username, city_slug, email, password_stdin, **options):
        User = get_user_model()
        city = City.objects.filter(slug=city_slug).first()
        if city is None:
            raise CommandError(
                f'No city with the slug "{city_slug}". Known slugs look like "barcelona"; '
                "see /cities/ or the admin for the list."
            )
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise CommandError(f'"{email}" is not a valid email address.') from None
        group = Group.objects.filter(name=CITY_STAFF_GROUP).first()
        if group is None:
            raise CommandError(f'The "{CITY_STAFF_GROUP}" group is missing: run migrate first.')

        existing = User.objects.filter(username=username).first()
        password = None
        if password_stdin:
            # Read and checked before anything is written.
            password = read_password(options, existing or User(username=username, email=email))

        with transaction.atomic():
            user = User.objects.filter(username=username).first()
            created = user is None
            if created:
                user = User(username=username, email=email)
                if password is None:
                    user.set_unusable_password()
                else:
                    user.set_password(password)
                try:
                    user.full_clean()
                except ValidationError as exc:
                    raise CommandError("; ".join(exc.messages)) from None
                user.save()
            else:
                if email and user.email != email:
                    user.email = email
                    user.save(update_fields=["email"])
                if password is not None:
                    user.set_password(password)
                    user.save(update_fields=["password"])
            user.groups.add(group)
            # A stray admin flag on an account that is not a curator's goes now.
            revoked = user.is_staff and not is_curator(user)
            if revoked:
                user.is_staff = False
                user.save(update_fields=["is_staff"])
            _membership, attached = CityStaffMembership.objects.get_or_create(user=user, city=city)

        if created:
            self.stdout.write(self.style.SUCCESS(f'Created user "{username}".'))
        if revoked:
            self.stdout.write(
                f'"{username}" is not a curator: their admin access (is_staff) was removed; '
                "city staff work in the portal."
            )
        if attached:
            self.stdout.write(self.style.SUCCESS(f'"{username}" now acts for {city.name}.'))
        else:
            self.stdout.write(f'"{username}" already acts for {city.name}: nothing changed.')
        if password is not None:
            self.stdout.write(self.style.SUCCESS(f'Password set for "{username}".'))
        elif not user.has_usable_password():
            # Django's password reset skips unusable passwords, so the first one is set here.
            self.stdout.write(
                "The user has no password yet and cannot log in until one is set: "
                f'run "python manage.py changepassword {username}" (or give it with '
                "--password-stdin)."
            )
