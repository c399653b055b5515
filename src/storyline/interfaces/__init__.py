"""Interfaces over the library facade: they format and serve, and hold no pipeline logic."""
