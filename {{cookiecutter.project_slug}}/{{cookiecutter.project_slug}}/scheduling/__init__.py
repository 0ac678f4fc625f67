"""The scheduler: tasks enqueued on time, one scheduler per database, old results pruned."""
