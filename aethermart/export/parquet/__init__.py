"""Publish gold as Parquet for BI (run.py: publish_parquet) in the versioned layout of
layout.py."""
