import sys

from ppo_core.cli import main

sys.exit(main())
