"""Run every command and code block of the given pages exactly as written, as a reader would.

Each page runs in a fresh copy of the committed checkout (``git archive HEAD``), in one bash
session, its blocks in order: a ``bash`` block as it stands, a ``python`` block with the page's
earlier Python blocks before it (a page's Python reads as one session). The environment is the
one the page's own install line makes: a page that creates a virtual environment does so; one
that only runs ``pip install`` gets a fresh virtual environment to run it in; a page with no
install line runs in the README's test environment (``.venv`` here, which has every extra). The
README's own two set-up commands are what CI runs first, and are not run again.

Usage: python .ci/pages.py README.md docs/tutorial.md docs/howto/*.md
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETUP = re.compile(r"^python3 -m venv \.venv && \. \.venv/bin/activate && pip install")


def script(page: Path, work: Path) -> str:
    blocks = re.findall(r"```(bash|python)\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    shell = [b for kind, b in blocks if kind == "bash"]
    own_venv = any("python3 -m venv" in b for b in shell) and page.name != "README.md"
    lines = ["set -euo pipefail", f"cd {work}"]
    if own_venv:
        pass  # the page makes its own
    elif any("pip install" in b for b in shell) and page.name != "README.md":
        lines += ["python3 -m venv .venv", ". .venv/bin/activate"]
    else:
        lines.append(f". {ROOT / '.venv' / 'bin' / 'activate'}")
    python: list[str] = []
    for kind, body in blocks:
        if kind == "bash":
            if page.name == "README.md" and SETUP.match(body.strip()):
                continue  # CI's own first two steps
            lines.append(body)
        else:
            python.append(body)
            # Run as typed at a prompt: a __main__ with no file, so that worker processes (a local Dask
            # cluster, a process pool) start without running the page again.
            code = work / f".page-{len(python)}.py"
            code.write_text("\n".join(python), encoding="utf-8")
            run = 'import sys; exec(compile(open(sys.argv[1]).read(), sys.argv[1], "exec"))'
            lines.append(f"python -c '{run}' {code}")
    return "\n".join(lines) + "\n"


def main(pages: list[str]) -> int:
    failed = []
    for name in pages:
        page = (ROOT / name).resolve()
        with tempfile.TemporaryDirectory(prefix="tipframe-page-") as folder:
            work = Path(folder)
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD"], check=True, capture_output=True)
            subprocess.run(["tar", "-x", "-C", str(work)], input=archive.stdout, check=True)
            print(f"== {name}", flush=True)
            done = subprocess.run(["bash", "-c", script(page, work)], cwd=work, capture_output=True, text=True)
            if done.returncode != 0:
                failed.append(name)
                print(done.stdout[-3000:], done.stderr[-3000:], sep="\n", flush=True)
    if failed:
        print(f"pages whose blocks do not run as written: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"{len(pages)} pages ran as written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
