import sys

from policies_db.cli import main

sys.exit(main())
