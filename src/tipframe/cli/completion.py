"""``tipframe completion SHELL``: a completion script for bash or zsh, generated from the parser itself."""

from __future__ import annotations

import argparse
import sys

from tipframe.cli.common import OK, fail


def add(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "completion",
        help="print a shell completion script (bash or zsh)",
        description=(
            "Print a completion script for bash or zsh, generated from tipframe's own commands and options "
            "(needs the completion extra: pip install 'tipframe[completion]'). Bash: tipframe completion bash > "
            "~/.local/share/bash-completion/completions/tipframe. Zsh: tipframe completion zsh > ~/.zfunc/_tipframe "
            "(with ~/.zfunc on fpath)."
        ),
    )
    parser.add_argument("shell", choices=("bash", "zsh"), help="the shell")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        import shtab
    except ImportError:
        return fail(
            "completion",
            "completion needs shtab, the completion extra: pip install 'tipframe[completion]' "
            "(in a checkout: pip install -e '.[completion]')",
        )
    sys.stdout.write(shtab.complete(args.root, shell=args.shell))  # the whole parser, set by build_parser
    return OK
