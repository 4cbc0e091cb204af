"""Tools for case authors: the linter, templates, the structure graph and balance reports."""
