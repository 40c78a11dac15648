"""Reference implementations, problems, plots, widgets and grading for the Faster Optimizers course."""

__version__ = "0.1.0"
