import sys

from docnook.cli import main

sys.exit(main())
