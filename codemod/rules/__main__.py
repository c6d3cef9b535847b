"""`python -m codemod.rules`: write codemod/data/rules.json from the rules' declarations."""

from codemod.rules import INDEX, write_index

print(f"{'wrote' if write_index() else 'unchanged:'} {INDEX}")
