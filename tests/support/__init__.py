"""Helpers and invented data shared by several test modules (not tests themselves)."""
