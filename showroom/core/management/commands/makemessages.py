"""Django's makemessages without fuzzy matching: a new string is left empty for a translator (and for
fill_english) instead of being given a guessed translation of a similar string, marked fuzzy, that
nobody asked for and the catalog check would then refuse."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
