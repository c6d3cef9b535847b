"""The machinery every rule works with: parsing, metadata, the one analysis pass, edits, imports, slicing."""
