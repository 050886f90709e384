"""Lab definitions: one module per lab whose ``cells()`` returns the lab's notebook cells.

Built into ``solutions/<lab>/<lab>.ipynb`` by ``scripts/sync_labs.py`` (see scripts/labkit.py).
"""
