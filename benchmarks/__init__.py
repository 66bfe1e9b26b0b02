"""minikoa's benchmark suite: ``python -m benchmarks`` (``make bench``).

Three groups, each verified before it is timed and reported against peers
measured in the same run: whole-framework requests (``framework``), route
matching (``router``) and the cost of a middleware layer (``middleware``).
"""
