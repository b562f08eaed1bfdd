"""Council performance report cards from Frictionless data packages.

The pipeline is load -> validate -> measures -> pages; nothing here imports Pelican.
"""

__version__ = "0.1.0"
