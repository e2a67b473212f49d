"""Where data lives: a registry from URL scheme to a source that lists and opens files."""
from tablekit.sources.registry import SourceFile, resolve_paths, source_for

__all__ = ["SourceFile", "resolve_paths", "source_for"]
