"""`python -m codemod.rules`: write codemod/data/rules.json and docs/rules.md from the rules' declarations."""

from codemod.rules import DOCS, INDEX, write_docs, write_index

for path, changed in ((INDEX, write_index()), (DOCS, write_docs())):
    print(f"{'wrote' if changed else 'unchanged:'} {path}")
