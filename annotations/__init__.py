"""What a user says about articles: spans, statement groups, the store, history, linking,
anchoring, import and export. Imports :mod:`newsreader.corpus`, never Textual."""
