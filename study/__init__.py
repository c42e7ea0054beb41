"""study: a terminal study companion for deep learning."""

__version__ = "0.1.0"
