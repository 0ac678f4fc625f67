"""Settings per environment: each imports `base` and changes what differs; what varies
between machines comes from the environment (or the git-ignored `.env` file)."""
