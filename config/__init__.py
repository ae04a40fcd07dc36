"""Data, not code: rulesets and scoring schemes as TOML, plus the Flask settings classes.

The loaders here read files and hand plain dictionaries to the pure parsers in `workflow/`.
"""
