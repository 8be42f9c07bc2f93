"""marketscout: choose, explain and act on priority partner markets."""

__version__ = "0.1.0"
