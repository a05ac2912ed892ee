"""Numbers written into SVG attributes, shared by the charts and the map."""


def svg_number(value):
    """A number for an SVG attribute: at most one decimal, always a dot."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text
