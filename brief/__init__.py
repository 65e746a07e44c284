"""brief: YAML in, a printable PDF policy brief out."""

__version__ = "0.1.0"
