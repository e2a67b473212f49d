"""Turning an executed table into pandas, Arrow or polars objects."""
