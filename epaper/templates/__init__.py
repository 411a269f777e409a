"""Templates: a layout set's YAML into a TemplateSet (inheritance, units, checks)."""
