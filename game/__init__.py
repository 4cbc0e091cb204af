"""Crisis Sim: a training game for social-media crisis communication."""

__version__ = "0.1.0"
