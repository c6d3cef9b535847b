"""The changelog-aware advisor: what a dated api-version has, what code needs, and what v1 changes.

Everything here is pure (no printing); `codemod.advisor.cli` holds the `advise` and `versions` commands.
"""
