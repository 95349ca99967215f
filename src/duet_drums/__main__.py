import sys

from duet_drums.cli import main

sys.exit(main())
