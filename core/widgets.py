"""Form widgets shared by the site's forms."""

from django import forms


class CheckboxPicker(forms.CheckboxSelectMultiple):
    """Many choices as checkboxes in labelled groups, with a box that narrows them.

    Without JavaScript it is plain grouped checkboxes, which every browser and
    assistive technology handles (unlike a ``<select multiple>`` that needs
    Ctrl-click). ``js/picker.js`` then shows a search box that hides the choices
    that do not match; the checked ones always stay in view.

    ``follows`` names another field of the form (e.g. ``outcome_document``): the
    script then shows only the group whose key is that field's value, and
    ``follows_hint`` while that field is empty.
    """

    template_name = "core/widgets/checkbox_picker.html"

    class Media:
        js = ["js/picker.js"]

    def __init__(self, attrs=None, *, search_label, follows=None, follows_hint=""):
        super().__init__(attrs)
        self.search_label = search_label
        self.follows = follows
        self.follows_hint = follows_hint

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            search_label=self.search_label, follows=self.follows, follows_hint=self.follows_hint
        )
        return context
