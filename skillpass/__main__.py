"""``python -m skillpass`` runs the command line."""

from skillpass.cli import main

main()
