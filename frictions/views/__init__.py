"""The frictions pages, one module per area; urls.py names them all."""
