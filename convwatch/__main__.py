import sys

from convwatch.cli import main

sys.exit(main())
