"""The to-do app of the tutorial (docs/tutorial.md)."""
