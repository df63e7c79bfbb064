"""``python -m skillpass`` runs the command line."""

from skillpass._entry import main

main()
