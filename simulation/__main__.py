"""Run ``python -m simulation run ...``; see :mod:`simulation.cli`."""

from __future__ import annotations

import sys

from simulation.cli import main

if __name__ == "__main__":
    sys.exit(main())
