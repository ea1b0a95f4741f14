"""`make bench`: every benchmark, figures printed."""

import sys

from bench import handler_cost, polling_cost

polling_cost.main(sys.argv[1:])
print()
handler_cost.main()
