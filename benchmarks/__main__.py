"""`python -m benchmarks`: the whole district-scale benchmark (see benchmarks/run.py)."""

from benchmarks.run import main

main()
