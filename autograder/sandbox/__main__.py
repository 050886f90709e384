import sys

from autograder.sandbox.run import main

main(sys.argv[1:])
