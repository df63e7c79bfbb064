"""The ``skillpass`` console script and ``python -m skillpass`` (not public API).

Loading the command line and the core allocates a few hundred thousand objects that live until
the process exits; the cyclic garbage collector would walk them some fifty times, about a tenth
of the CPU time of a cold ``skillpass verify``. So the collector is paused while the CLI loads
and while a built-in command (``keys``, ``sign``, ``verify``: one document, then exit) runs. A
command mounted lazily (a server, the wallet, QR images, certificates) may run long: it turns
the collector back on when it loads (:meth:`skillpass.cli._group.LazyGroup.get_command`).
"""

from __future__ import annotations

import gc


def main() -> None:
    """Run the command line with the cyclic garbage collector paused (see the module doc)."""
    gc.disable()
    from skillpass.cli import main as cli_main

    cli_main()
