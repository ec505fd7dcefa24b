"""``python -m newsreader.tui`` runs the ``newsreader`` command."""

from newsreader.tui.launch import main

main()
