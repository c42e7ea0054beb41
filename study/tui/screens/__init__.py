"""One module per screen or widget."""
