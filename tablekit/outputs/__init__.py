"""Turning an executed table into pandas, Arrow or polars objects."""

# rows a to_batches() batch holds at most; here, not in batches.py, so that MLTable.to_batches'
# signature needs no pyarrow at import
DEFAULT_BATCH_ROWS = 128 * 1024
