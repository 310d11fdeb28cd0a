"""``python -m tipframe``: the same as the ``tipframe`` command."""

from tipframe.cli import run

run()
