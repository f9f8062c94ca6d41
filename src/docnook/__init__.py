"""DocNook: a private desktop document assistant."""

__version__ = "0.1.0"
