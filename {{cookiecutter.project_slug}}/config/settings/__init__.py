"""Settings, one module per environment: development, test and production.

Each imports `base` and changes only what differs; values that vary between
machines come from the environment (or the git-ignored `.env` file).
"""
