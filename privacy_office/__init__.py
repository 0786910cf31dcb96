"""privacy-office's core: the personal-data registry, the clock seam, what every app plugs into."""
