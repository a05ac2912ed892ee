"""Every write to a public record moves the data version on (``core.data_version``)
once its transaction commits, so that the page cache never serves a page older than
the data it shows.

A publish, an accepted change, a verified update, a confirmed transfer, a curator's edit
in the admin, an import: all of them save model instances, so ``post_save``,
``post_delete`` and ``m2m_changed`` see them all. A ``QuerySet.update()`` or
``bulk_create()`` sends no signal: code that writes public records that way (the
``generatedata`` command) calls ``bump_data_version()`` itself.
"""

from django.apps import apps as global_apps
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import data_version
from .models import OutgoingEmail

# Rows of the core app that no public page shows: the mail queue (the sender updates it
# every minute).
NOT_SHOWN = (OutgoingEmail,)


def _is_public(model):
    meta = model._meta
    if meta.apps is not global_apps:
        return False  # a migration's historical model: the counter may not exist yet
    if meta.app_label not in settings.PAGE_CACHE_APPS or issubclass(model, NOT_SHOWN):
        return False
    # django-simple-history writes a Historical... row with every save of a record:
    # the record's own signal has already counted that write.
    return not meta.model_name.startswith("historical")


def bump_data_version(using=None):
    data_version.bump(using=using)


def _on_write(sender, using=None, **kwargs):
    if _is_public(sender):
        bump_data_version(using)


def _on_m2m(sender, instance, action, using=None, **kwargs):
    if action.startswith("post_") and _is_public(type(instance)):
        bump_data_version(using)


def connect():
    post_save.connect(_on_write, dispatch_uid="core.data_version.save")
    post_delete.connect(_on_write, dispatch_uid="core.data_version.delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="core.data_version.m2m")
