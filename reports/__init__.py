"""Outputs people read, built from the marts only."""
