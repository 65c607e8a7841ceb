import sys

from sourcecheck.cli.main import main

sys.exit(main())
