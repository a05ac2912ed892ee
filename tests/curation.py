"""Helpers for the admin (curation) tests: groups, admin URLs, form data, query counts."""

import importlib

from django import forms
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

# The same budget at every data size: a page whose queries grow with its rows fails.
ADMIN_PAGE_BUDGET = 30


def ensure_groups():
    """The groups come from a data migration; a transactional test elsewhere may have
    flushed them, so put them back (the same code as the migration)."""
    if not Group.objects.filter(name="Curators", permissions__isnull=False).exists():
        importlib.import_module("core.migrations.0001_groups").create_groups(apps)


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def form_values(form, data):
    for name, field in form.fields.items():
        value = form[name].value()
        key = form.add_prefix(name)
        multiple = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
        if multiple and not value:
            continue
        if isinstance(field.widget, forms.MultiWidget):
            parts = value if isinstance(value, list) else field.widget.decompress(value)
            for i, part in enumerate(parts):
                data[f"{key}_{i}"] = "" if part is None else str(part)
            continue
        if value is None:
            data[key] = ""
        elif value is True:
            data[key] = "on"
        elif value is False:
            continue
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        else:
            data[key] = str(value)


def form_data(response):
    """The POST data an unchanged submit of this admin add/change page would send."""
    data = {}
    form_values(response.context["adminform"].form, data)
    for inline in response.context.get("inline_admin_formsets") or []:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        for form in formset.forms:
            form_values(form, data)
    return data


def field_errors(response, name):
    return response.context["adminform"].form.errors.get(name, [])


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def assert_admin_pages_bounded(client, model, build, django_assert_max_num_queries):
    """``build(n)`` adds n rows (the returned one with n children): the changelist,
    add and change pages make the same number of queries at 3 and at 30 rows."""
    counts = {}
    for size in (3, 30):
        obj = build(size)
        urls = {
            "changelist": admin_url(model, "changelist"),
            "add": admin_url(model, "add"),
            "change": admin_url(model, "change", obj.pk),
        }
        for page, url in urls.items():
            client.get(url)  # warm per-process caches (content types, ...)
            with django_assert_max_num_queries(ADMIN_PAGE_BUDGET):
                counts[size, page] = count_queries(client, url)
    for page in ("changelist", "add", "change"):
        assert counts[30, page] == counts[3, page], (model.__name__, page, counts)
