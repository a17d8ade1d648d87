"""``python -m sbemail.cli``: the same as the ``sbemail`` command."""

from . import main

main()
