"""The ``tipframe`` command: one module per command, each with its arguments beside its handler.

Exit codes, for every command: 0 success; 1 an invalid document (syntax, type, schema or
reference) or a finding at error level; 2 wrong usage, or input that cannot be read at all
(missing, no permission, not UTF-8, over a size limit). No command prints a Python traceback.
Nothing in tipframe imports this package: it only calls the library.
"""

from tipframe.cli.main import build_parser, main, run

__all__ = ["build_parser", "main", "run"]
