"""Pure scoring engines driven by scheme data (see docs/schemes.md)."""
