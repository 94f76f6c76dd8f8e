"""The metrics pages, one module per subject; urls.py imports the modules."""
