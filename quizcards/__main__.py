"""Run the CLI as ``python -m quizcards``."""

from quizcards.cli import main

main()
