"""ticketd as the README installs it (`pip install .` into a venv), to time commands as a
user types them.

The benchmarks run this checkout by module (`python -m daemon`, PYTHONPATH set), which
is right for what the daemon does but not for how fast a command starts: a user's
`ticketd` is a console script over an installed, compiled package, with no editable
install's finder and no runpy. This makes that venv in a folder of the caller's: this
checkout installed without its dependencies, which come from the bench's own venv by a
.pth line (the same files; nothing is downloaded).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench import contract


def console_script(folder: Path) -> Path:
    """`ticketd` of a venv made under `folder` with this checkout installed."""
    venv = folder / "installed-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python*/site-packages"))
    ours = [p for p in sys.path if p.endswith("site-packages")]
    (site / "bench-dependencies.pth").write_text("\n".join(ours) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                    "install", "-q", "--no-deps", str(contract.REPO)],
                   check=True, capture_output=True)
    return venv / "bin" / "ticketd"


def env() -> dict[str, str]:
    """The caller's environment without the bench's PYTHONPATH (it would shadow the
    installed package with the checkout)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
