"""Ingestion and search: corpus files → articles (with dates) → chunks → dense + keyword index."""
