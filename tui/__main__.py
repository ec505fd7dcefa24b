"""``python -m newsreader.tui`` runs the ``newsreader`` command."""

from newsreader.tui.cli import main

main()
