"""Answer kinds: reading user text safely, comparing with tolerance, naming mistakes."""
