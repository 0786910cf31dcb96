"""Demo data at realistic volumes and the ``rundemo`` command; may import every app."""
