"""``python -m stripstudio`` runs the command line."""

from stripstudio.cli.app import main

main()
