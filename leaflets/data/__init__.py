"""Package data: the registry, the guides and the example config (fonts and locales are mapped in by the build)."""
