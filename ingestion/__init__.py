"""Readers: one per source kind. Each returns a typed DataFrame with lineage columns and never writes."""
