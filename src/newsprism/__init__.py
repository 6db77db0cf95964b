"""newsprism: see how news stories are reported, sourced and framed across outlets."""

__version__ = "0.1.0"
