"""`python -m codemod.rules`: write codemod/data/rules.json, docs/rules.md and the README's rule table from the
rules' declarations."""

from codemod.rules import DOCS, INDEX, README, write_docs, write_index, write_readme

for path, changed in ((INDEX, write_index()), (DOCS, write_docs()), (README, write_readme())):
    print(f"{'wrote' if changed else 'unchanged:'} {path}")
