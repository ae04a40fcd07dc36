"""Kaoping's pure domain: state machines, authority, eligibility, calendar and scoring engines."""
