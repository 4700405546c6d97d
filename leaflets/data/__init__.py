"""Package data: the registry, the guides and the example config.

The build maps fonts/ and locales/ in beside them (pyproject.toml)."""
