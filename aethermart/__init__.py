"""AetherMart lakehouse: shared contracts (landing layout, errors) and the CLI."""

__all__ = ["__version__"]
__version__ = "0.1.0"
