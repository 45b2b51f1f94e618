"""One module per kind of thing extracted from a normalised document."""
