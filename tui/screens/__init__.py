"""The screens and dialogs of the newsreader app, one per file."""
