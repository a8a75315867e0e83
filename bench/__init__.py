"""Latency, cold-start and memory measurements in headless Chromium (run by hand: `make bench`)."""
