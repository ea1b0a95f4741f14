"""`make bench`: every benchmark, figures printed."""

import sys

from bench import fleet_cost, handler_cost, polling_cost

polling_cost.main(sys.argv[1:])
print()
handler_cost.main()
print()
fleet_cost.main(sys.argv[1:])
