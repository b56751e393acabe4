"""Runs the end-to-end suite against one fresh Secura instance."""

import glob
import os
import sys

import test_platform  # noqa: F401  (registers tests)
import test_incidents  # noqa: F401
import test_reports  # noqa: F401
import test_notifications  # noqa: F401
import test_intel  # noqa: F401
import test_cache  # noqa: F401
import test_ingest  # noqa: F401
import test_alerts  # noqa: F401
import test_rules  # noqa: F401
import test_actions  # noqa: F401
import test_graphs  # noqa: F401
import test_backup  # noqa: F401
import test_security  # noqa: F401
import test_second_factor  # noqa: F401
import test_team  # noqa: F401
import test_faults  # noqa: F401
from harness import SANITIZER_REPORTS, Server, check, counts, run_all

# a module written but not imported above would never run: say so
here = os.path.dirname(os.path.abspath(__file__))
modules = {os.path.basename(p)[:-3] for p in glob.glob(os.path.join(here, "test_*.py"))}
check(modules <= set(sys.modules), "every end-to-end module is registered in run.py",
      sorted(modules - set(sys.modules)))

server = Server().start()
try:
    run_all(server)
    # db.c logs a write on a request's own connection: every write must
    # join the shared writer's group (db_begin)
    check("write outside db_begin" not in server.output(),
          "no request of the suite wrote outside the shared writer")
finally:
    server.stop()
# With SECURA_BIN=build/san/bin the programs run under ASan/UBSan: any
# report in any instance's output fails the suite.
check(not SANITIZER_REPORTS,
      "no sanitizer report from any program", "; ".join(SANITIZER_REPORTS[:5]))
print(f"# {counts['passed']} passed, {counts['failed']} failed")
sys.exit(1 if counts["failed"] else 0)
