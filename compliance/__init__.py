"""tos-check: find where an AI project's use of models, APIs and datasets breaks the terms it agreed to."""

__version__ = "0.1.0"
