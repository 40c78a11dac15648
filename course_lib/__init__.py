"""The Faster Optimizers course library.

Reference optimizers, problems, plots, widgets and grading.
"""

__version__ = "0.1.0"
