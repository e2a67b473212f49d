"""Size limits of filter expressions, and room on the Python stack to honour them.

mltable itself crashes (segfault) somewhere past a few thousand nesting levels;
we refuse expressions past these limits with a parse error instead.
"""
from __future__ import annotations

import contextlib
import sys
import threading

MAX_NESTING = 200        # parentheses, unary operators, ** chains, call arguments...
MAX_TREE_DEPTH = 1000    # long left-assoc chains like 1 + 1 + ... (and/or chains stay flat)
MAX_LENGTH = 1_000_000   # characters

# Each nesting level costs about a dozen Python frames in the recursive-descent parser.
_NEEDED_FRAMES = 20 * max(MAX_NESTING, MAX_TREE_DEPTH // 2) + 2000


_lock = threading.Lock()
_active = 0
_previous_limit = 0


@contextlib.contextmanager
def deep_recursion():
    """Temporarily allow enough Python frames for the deepest accepted expression.

    Python 3.11+ does not use the C stack for Python-to-Python calls, so a
    higher limit is safe; the old limit is restored when the last user leaves.
    """
    global _active, _previous_limit
    with _lock:
        if _active == 0:
            _previous_limit = sys.getrecursionlimit()
            if _previous_limit < _NEEDED_FRAMES:
                sys.setrecursionlimit(_NEEDED_FRAMES)
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0 and _previous_limit < _NEEDED_FRAMES:
                sys.setrecursionlimit(_previous_limit)
