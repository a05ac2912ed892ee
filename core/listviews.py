"""The view of every public list (cities, forums, outcome documents, commitments,
relocation agreements, frameworks, good practices).

Each app declares its list once, as a ``core.listing.Listing``, and its view is one
call: ``list_page(request, CITIES, "cities/city_list.html")``. ``browse`` does the
work (filters, facets, sort, page, download); this answers with the download when one
was asked for (``?format=csv`` or ``json``), and otherwise renders the page, with 400
when a filter value is wrong (the form shows the error by its field).
"""

from django.shortcuts import render

from core.listing import browse


def list_page(request, listing, template_name, extra_context=None):
    """The page of ``listing`` for this request, or its download.

    ``extra_context``: what the template needs beyond the list (a feed link), added
    only when the page is rendered.
    """
    result = browse(request, listing)
    if result.download:
        return result.download
    context = {**result.context, **(extra_context or {})}
    return render(request, template_name, context, status=result.status)
