"""Files: discovery, configuration, reading and the pre-filter, the process pool, atomic writes."""
