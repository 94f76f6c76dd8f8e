"""people notifications; see kinds/__init__.py."""

from . import Kind, register  # noqa: F401
