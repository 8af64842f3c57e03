"""Measurement: question sets, retrieval and answer metrics, reports."""
