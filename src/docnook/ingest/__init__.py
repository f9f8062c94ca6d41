"""From a PDF on disk to page texts and chunks: no storage, no models."""
