"""Generated dated-API programs for tests/test_e2e_property.py: the variant space (`space`) and its rendering as
source text (`render`)."""
