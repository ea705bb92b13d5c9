import sys

from dae_reference.cli import main

sys.exit(main())
