"""The Textual app. Only this package imports Textual; it drives the headless core."""
