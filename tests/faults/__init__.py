"""Fault injection: real local servers fail on purpose; the app must say what happened."""
