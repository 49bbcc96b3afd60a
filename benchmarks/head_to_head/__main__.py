"""`python -m benchmarks.head_to_head`."""

import sys

from benchmarks.head_to_head.run import main

sys.exit(main())
