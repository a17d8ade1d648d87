"""``python -m sbemail.local``: the same as the ``sbemail-local`` console script."""

from .cli import main

main()
