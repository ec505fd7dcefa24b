"""The widgets of the newsreader app, one per file."""
