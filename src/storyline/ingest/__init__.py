"""Ingest: sources → documents → articles (decoding, HTML extraction, cleaning, publication time,
outlets, paragraphs and sentences)."""
