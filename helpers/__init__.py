"""Tested helper functions shared by the chapters of *Learn Cryo-EM Math*.

Modules are small and single-purpose; import the one you need, e.g.
``from helpers import rotations``. See ``book/conventions.md`` for the conventions.
"""

__version__ = "0.1.0"
