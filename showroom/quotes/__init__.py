"""Quotes (sales step 5, 报价): the pure quote calculation in calc.py; the app with models and pages builds on it."""
