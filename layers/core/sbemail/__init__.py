"""SB Email Generator: brand profile + brief in, ready-to-send email variants out."""

__title__ = "SB Email Generator"
__version__ = "0.1.0"
