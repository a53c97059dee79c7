"""Lists in running text, punctuated as the reader's language does (Arabic: "، " and "؛ ")."""

from django.utils.translation import pgettext


def list_separator() -> str:
    """What goes between the items of a list in the reader's language (Arabic: "، ")."""
    # Translators: between the items of a list ("A, B, C"); Arabic uses its own comma "، ".
    return pgettext("list separator", ", ")


def long_list_separator() -> str:
    """Between items that hold commas themselves (sentences): "; " (Arabic: "؛ ")."""
    # Translators: between the items of a list whose items are sentences ("A; B"); Arabic "؛ ".
    return pgettext("long list separator", "; ")


def join_list(items) -> str:
    return list_separator().join(str(item) for item in items)


def join_sentences(items) -> str:
    return long_list_separator().join(str(item) for item in items)
