"""``make soak``: minikoa under load, faults and bad input, on gunicorn and one SQLite file (see __main__)."""
